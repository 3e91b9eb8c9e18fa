# new batch of parse/option cases: (env, conninfo); integer-ish ones also run against a server
P = []   # parse cases
def p(ci, env="-"): P.append((env, ci))
# --- URI: percent-encoding in every component
for ci in ["postgresql://%75ser@h/db", "postgresql://u:%70w@h/db", "postgresql://%68%6F%73%74:5432/db", "postgresql://h:%35%34%33%32/db",
           "postgresql://h/%64%62", "postgresql://h/db?%61pplication_name=x", "postgresql://h/db?application_name=%61%62",
           "postgresql://h/db?application_name=%e2%82%ac", "postgresql://h/db?application_name=%C3", "postgresql://h/db?application_name=a+b",
           "postgresql://h%2Ch2/db", "postgresql://h%3A5433/db", "postgresql://h/db?host=h1%2Ch2&port=1%2C2", "postgresql://h%2Fdir/db",
           "postgresql://%2Ftmp%2Fsock:5433/db", "postgresql://%2Ftmp,h2/db", "postgresql://h/db?host=%2Ftmp", "postgresql://h/%20db%20",
           "postgresql://h/db%3Fx", "postgresql://h/db%23x", "postgresql://h/db?options=%2Dc%20a%3Db", "postgresql://u%3Ap@h/db",
           "postgresql://u:p%3Aq@h/db", "postgresql://u:p:q@h/db", "postgresql://u%40x@h/db", "postgresql://h/db?user=%75", "postgresql://h/db?user=%",
           "postgresql://h/db?user=%4", "postgresql://h/db?user=%G1", "postgresql://h/db?%=x", "postgresql://h/db?a%3Db=c",
           "postgresql://h:%2B5432/db", "postgresql://h:%20/db", "postgresql://h:5432%20/db", "postgresql://h/db?port=%205432%20",
           "postgresql://u:%00@h/db", "postgresql://h/%00", "postgresql://h/db?%00=x", "postgresql://h:%00/db",
           "postgresql://h/db?sslmode=require%20", "postgresql://h/db?sslmode=%72equire", "postgresql://h/db?target_session_attrs=read%2Dwrite",
           "postgresql://h/db?connect_timeout=%2010", "postgresql://h/db?dbname=%2F", "postgresql://%5Bh%5D/db", "postgresql://[::1%2525eth0]/db",
           "postgresql://u%2Cv@h/db", "postgresql://h/db?application_name=%2526",
           # IPv6 literals
           "postgresql://[::1%eth0]/db", "postgresql://[fe80::1%25eth0]:5433,[::1]:5434/db", "postgresql://[::ffff:127.0.0.1]/db",
           "postgresql://[::1]:5432,h2/db", "postgresql://[::1]?port=1", "postgresql://[::1]/db?host=[::2]", "postgresql://[::1],[::2]",
           "postgresql://[::1]%2C[::2]/db", "postgresql://[::1]]/db", "postgresql://[[::1]/db", "postgresql://[:/db", "postgresql://[::1]:",
           "postgresql://[::1]:x/db", "postgresql://[::1]:5432x/db", "postgresql://[h]/db", "postgresql://[1.2.3.4]/db", "postgresql://a[::1]/db",
           "postgresql://[::1]a/db", "postgresql://[ ]/db", "postgresql://u@[::1]:5/db", "postgresql://[::1]:1,[::2]:2,[::3]/db",
           # host lists and ports
           "postgresql://h1:1,h2:2,h3/db", "postgresql://h1,h2,h3:3/db", "postgresql://h1:1,h2/db?port=5", "postgresql://h1,h2/db?port=1,2,3",
           "postgresql://h1,h2/db?port=1,2", "postgresql://h1:1,h2:2/db?port=3", "postgresql://h1:1,h2:2/db?port=3,4", "postgresql://h1,,h3/db",
           "postgresql://,,h3:3/db", "postgresql://:1,:2/db", "postgresql://:1,h2/db", "postgresql://h1:,h2:2/db", "postgresql://h:5432,/db",
           "postgresql://h1,h2/db?host=h3", "postgresql://h1,h2/db?host=h3,h4,h5", "postgresql://h1,h2/db?hostaddr=127.0.0.1,127.0.0.2",
           "postgresql://h1,h2/db?hostaddr=127.0.0.1,127.0.0.2,127.0.0.3", "postgresql:///db?hostaddr=127.0.0.1,127.0.0.2&port=1,2",
           "postgresql:///db?hostaddr=127.0.0.1,127.0.0.2&port=1,2,3", "postgresql://h:0/db", "postgresql://h:1/db", "postgresql://h:00000/db",
           "postgresql://h:-0/db", "postgresql://h:2147483648/db", "postgresql://h:5432 /db",
           # scheme and structure
           "postgres://h/db", "postgresql:/", "postgresql:", "postgres:", "postgres:/h", "postgresql:///", "postgresql:////", "postgresql://h//",
           "postgresql://h/db/", "postgresql://h/?", "postgresql://h/db?", "postgresql://?", "postgresql://?&", "postgresql://h?&&",
           "postgresql://h?a=1&&b=2", "postgresql://h/db?application_name=x&&", "postgresql://h/db?&application_name=x",
           "postgresql:///?dbname=x", "postgresql://h/db?dbname=y", "postgresql://h/db?user=a&user=b", "postgresql://h/db?port=1&port=2",
           "postgresql://h/db?host=a&host=b", "postgresql://h/db?application_name=a&application_name=", "postgresql://h/db?ssl=true&ssl=true",
           "postgresql://h/db?ssl=TRUE", "postgresql://h/db?ssl=", "postgresql://h/db?ssl=true&sslmode=disable", "postgresql://h/db?sslmode=disable&ssl=true",
           "postgresql://h/db?requiressl=1", "postgresql://h/db?x=1#frag", "postgresql://h/db?application_name=a#b", "postgresql://h?user=u@x",
           "postgresql://h/db?user=u@x", "postgresql://u@h/db?application_name=a@b", "postgresql://h/db?application_name=a/b",
           "postgresql://h/db?application_name=a?b", "postgresql://h/db?application_name=a:b", "postgresql://u@h1,v@h2/db",
           "postgresql://u@h@h2/db", "postgresql://u:p@h:5/db?password=q", "postgresql://h/db?password=", "postgresql://:@/",
           "postgresql://u@/", "postgresql://u@:5/", "postgresql://h?dbname=a&dbname=b", "postgresql://h/db?service=",
           "postgresql://h/db?client_encoding=utf8", "postgresql://h/db?client_encoding=UNICODE", "postgresql://h/db?replication=true",
           "postgresql://h/db?fallback_application_name=fb&application_name=", "postgresql://h/db?options=", "postgresql://h/db?options=%20"]:
    p(ci)
# --- key=value quoting / escaping
for ci in ["dbname=''x", "dbname='a'b", "dbname='a'user=b", "dbname=a'b'c", "dbname=\\'", "dbname='\\\\\\\\'", "dbname='a\\'",
           "dbname= =a", "dbname==a", "dbname =  'a'  user = b", "user=u password='p w' dbname=d", "host='h ,h2'", "host=' h1 , h2 '",
           "host=h1\\ ,h2", "host='h1, h2'", "hostaddr='127.0.0.1, 127.0.0.2'", "port=' 1 , 2' host=a,b", "options='-c a=b -c c=d'",
           "options=-c\\ a=b\\ -c\\ c=d", "application_name='\\x'", "application_name=\\x", "dbname=x\\ y", "   ", "host=h port=5432 ",
           "=x host=h", "host==h", "a b=c", "host=h\\", "host='h'\\'", "dbname=''", "dbname=\"a b\"", "dbname='a''", "user='' dbname=''",
           "dbname=a\\=b", "dbname=a=", "application_name=é", "dbname='a\\nb'", "dbname=a,b", "host=h, port=1", "host=h,, port=1,2,3",
           "host=h; port=1", "host=h port=1 port=2 port=3", "keepalives=1 keepalives=0", "dbname=x# comment", "#host=h"]:
    p(ci)
# --- enum keywords
for kw, vals in [("sslmode", ["'require '", "Require", "verify-CA", "verify_ca", "'disable '", "1", "true", "verify-full,require"]),
                 ("target_session_attrs", ["'any '", "Any", "prefer_standby", "'read-only '", "readonly", "read-write,any", "primary "]),
                 ("load_balance_hosts", ["Random", "'disable '", "0", "1", "true", "off"]),
                 ("gssencmode", ["Disable", "'prefer '", "", "PREFER", "allow"]),
                 ("sslnegotiation", ["Postgres", "DIRECT", "'direct '", "'postgres '"]),
                 ("channel_binding", ["Require", "'require '", "'prefer '", "Disable", "off"]),
                 ("sslcertmode", ["Allow", "", "'allow '", "disable "]),
                 ("sslsni", ["01", "1x", "", "' 1'", "10", "true", "-1"]),
                 ("require_auth", ["!none,!none", "none,none", "!gss", "!sspi", "!oauth", "!scram-sha-256,!md5,!password,!none",
                                   "password,md5,scram-sha-256,none", "!password,!md5,!scram-sha-256,!gss,!sspi,!oauth,!none", "md5,!", "!", ",",
                                   "' password'", "'password '", "Password", "!!password", "!Password", "none,!none", "scram-sha-256,scram-sha-256",
                                   "password,,md5", "gss,password", "!gss,!password", "sspi,md5", "oauth,none", "'! password'", "md5,gss",
                                   "scram-sha-256,!none", "!none,scram-sha-256", "none,scram-sha-256,password,md5", "!md5,!none"]),
                 ("ssl_min_protocol_version", ["TLSv1", "TLSv1.0", "tlsv1.2", "'TLSv1.2 '", "TLSv1.4", "SSLv3", "TLSv1_2"]),
                 ("ssl_max_protocol_version", ["TLSv1", "tlsv1.3", "", "bogus", "TLSv1.1"]),
                 ("replication", ["Database", "DATABASE", "TRUE", "On", "y", "n", "t", "f", "2", "-1", "of", "tr", "'true '", "database "]),
                 ("client_encoding", ["utf-8", "Utf8", "UNICODE", "'UTF8 '", "SQL_ASCII"]),
                 ]:
    for v in vals:
        p(f"{kw}={v}" if v != "" else f"{kw}=")
p("ssl_min_protocol_version=TLSv1.2 ssl_max_protocol_version=TLSv1.2"); p("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=tlsv1.2")
p("ssl_min_protocol_version= ssl_max_protocol_version=TLSv1.1"); p("ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1")
p("sslmode=require channel_binding=require"); p("sslmode=allow channel_binding=require")
p("channel_binding=require require_auth=!scram-sha-256,!none"); p("channel_binding=disable require_auth=scram-sha-256")
# --- protocol versions
for kw in ["min_protocol_version", "max_protocol_version"]:
    for v in ["3.00", "03.0", "' 3.0'", "'3.0 '", "3", "3.", ".0", "+3.0", "'3.2 '", "LATEST", "Latest", "'latest '", "3.1", "2.0", "4.0", "3.3",
              "3.-0", "3.+2", "'3. 2'", "0x3.0", "3.0.0", "3,0", "30", "3.02", "-3.0", "3.0x"]:
        p(f"{kw}={v}")
p("min_protocol_version="); p("min_protocol_version=latest max_protocol_version=3.0"); p("min_protocol_version=3.0 max_protocol_version=latest")
p("min_protocol_version=latest max_protocol_version=latest"); p("min_protocol_version=3.2 max_protocol_version=3.2")
p("max_protocol_version=3.0 min_protocol_version=3.0"); p("min_protocol_version=3.0 max_protocol_version=")
p("", "PGMAXPROTOCOLVERSION=LATEST"); p("", "PGMINPROTOCOLVERSION=3.00"); p("max_protocol_version=3.0", "PGMINPROTOCOLVERSION=latest")
# --- hostaddr vs host counts
for ci in ["host=h1,h2,h3 hostaddr=127.0.0.1,127.0.0.2", "hostaddr=127.0.0.1,127.0.0.2,127.0.0.3 host=h1,h2", "host= hostaddr=127.0.0.1,127.0.0.2",
           "host=h1,,h3 hostaddr=127.0.0.1,127.0.0.2,127.0.0.3", "hostaddr=127.0.0.1,127.0.0.2,127.0.0.3 port=1,2",
           "hostaddr=127.0.0.1,,127.0.0.3", "host=h1,h2 hostaddr=,", "host=h1 hostaddr=", "host=h1,h2 hostaddr=''", "host=, hostaddr=127.0.0.1,",
           "host=h1,h2 hostaddr=127.0.0.1,127.0.0.2 port=1", "host=h1,h2 hostaddr=127.0.0.1,127.0.0.2 port=1,2,3",
           "host=/tmp hostaddr=127.0.0.1", "host=/tmp,h2 port=1,2", "host=h1,h2,h3 port=,,", "host=h1,h2,h3 port=,", "port=,", "port=1,,2",
           "host=h1,h2 port=' 1',' 2'", "hostaddr=,,"]:
    p(ci)
p("host=h1,h2", "PGHOSTADDR=127.0.0.1,127.0.0.2"); p("", "PGHOST=a,b;PGHOSTADDR=127.0.0.1,127.0.0.2,127.0.0.3"); p("hostaddr=127.0.0.1", "PGHOST=a,b")
p("host=a,b", "PGPORT=1,2,3"); p("", "PGHOST=a,b,c;PGPORT=1"); p("port=1,2", "PGHOST=a"); p("", "PGHOSTADDR=127.0.0.1;PGPORT=1,2")
# --- service-file sections (see SVC in gen)
for ci in ["service=svcport", "service=svcuri", "service=svcspacekey", "service=svcspaceval", "service=svcdup", "service=svcdupkey",
           "service=svcempty", "service=svcinline", "service=svcnested", "service=svccase", "service=svcquoted", "service=svcbadval",
           "service=svcnoeq", "service=svcservicefile", "service=svcport host=x", "service=svcport port=9", "service=Svc", "service=svc ",
           "service=svctrail", "service=svcpass", "service=svcafterbad", "service=svcsslsys", "service=svcsslsys sslmode=require", "service=svcint",
           "postgresql://h/db?service=svcport", "service=svcdupsec"]:
    p(ci)
p("", "PGSERVICE=svcport;PGPORT=1"); p("", "PGSERVICE=svcbadval;PGSSLMODE=require")
# --- integer keywords: parse cases, and again against a server
C = []
for kw, vals in [("connect_timeout", ["+0", "-0", "007", "' 7 '", "'7 '", "2147483648", "-2147483649", "-2147483648", "0x10", "1e3", "' '", "+", "-", "--1", "+-1", "'+ 5'"]),
                 ("keepalives", ["00", "-1", "+1", "' 0'", "'0 '", "1.0", "2147483648", "0x0", "+0"]),
                 ("keepalives_idle", ["0", "1", "+5", "007", "32767", "32768", "2147483647", "' 5 '", "5x", "", "2147483648"]),
                 ("keepalives_interval", ["-1", "abc", "1", "32767", "32768", "", "+0"]),
                 ("keepalives_count", ["1", "127", "128", "256", "abc", "", "2147483648"]),
                 ("tcp_user_timeout", ["0", "-1", "+5", "' 5'", "2147483647", "2147483648", "", "1.5"]),
                 ("port", ["+0", "-0", "00000", "0005432", "' 5432 '", "1", "65535", "2147483648", "-5432", "5_432", "+65535", "65535x", "' '", "055431"])]:
    for v in vals:
        ci = f"{kw}={v}" if v != "" else f"{kw}="
        p(ci); C.append(("-", ci))
for ci in ["keepalives=0 keepalives_idle=abc", "keepalives=0 keepalives_interval=-1", "keepalives=0 keepalives_count=abc", "keepalives=0 keepalives_idle=0",
           "keepalives=0 tcp_user_timeout=abc", "keepalives_idle=0 keepalives_interval=0 keepalives_count=0", "keepalives_interval=0", "keepalives_count=0",
           "keepalives=abc keepalives_idle=1", "connect_timeout=abc keepalives=0", "hostaddr=127.1", "hostaddr=0x7f.0.0.1", "hostaddr=' 127.0.0.1'",
           "hostaddr=127.0.0.1.", "hostaddr=localhost", "hostaddr=::ffff:127.0.0.1", "hostaddr=127.0.0.001", "hostaddr=0127.0.0.1", "hostaddr=2130706433",
           "hostaddr=127.0.0.1/32", "hostaddr=[127.0.0.1]", "hostaddr=127.0.0.1%lo", "replication=t", "replication=y", "replication=of", "replication=TRUE",
           "replication=On", "replication=2", "replication=Database", "replication=DATABASE", "replication='true '", "replication=database ", "replication=n",
           "replication=-1", "replication=tr", "require_auth=gss,password", "require_auth=sspi,md5", "require_auth=oauth,none", "require_auth=md5,gss",
           "sslmode=disable channel_binding=require require_auth=!scram-sha-256", "sslmode=allow channel_binding=require",
           "client_encoding=utf-8", "client_encoding=Utf8", "client_encoding='UTF8 '", "client_encoding=SQL_ASCII", "client_encoding=bogus"]:
    if ("-", ci) not in P: p(ci)
    C.append(("-", ci))
# existing 'ok' rows for integer keywords that were never tried against a server
for ci in ["keepalives_interval=0", "keepalives_count=0", "keepalives_idle=30", "keepalives_interval=5", "keepalives_count=3", "tcp_user_timeout=1000", "keepalives=2"]:
    C.append(("-", ci))
seen = set(); out = []
for e, ci in P:
    if (e, ci) not in seen: seen.add((e, ci)); out.append(f"p\t{e}\t{ci}")
open("/tmp/lpq3/cases.tsv", "w").write("\n".join(out) + "\n")
seen = set(); out = []
for e, ci in C:
    if (e, ci) not in seen: seen.add((e, ci)); out.append(f"c\t{e}\thost=127.0.0.1 port=55431 user=postgres dbname=postgres {ci}")
open("/tmp/lpq3/deferred.tsv", "w").write("\n".join(out) + "\n")
# --- extra (second pass)
X = ["requiressl=1", "requiressl=0", "requiressl=x", "requiressl=10", "requiressl=", "requiressl=1 sslmode=disable", "sslmode=disable requiressl=1",
     "requiressl=0 sslrootcert=system", "postgresql://h/db?requiressl=0", "hostaddr=127.0.0.010", "hostaddr=127.0.0.01", "require_auth=' '",
     "ssl_min_protocol_version=' '", "ssl_max_protocol_version=' '", "host=' '", "hostaddr=' '", "port=' ,1' host=a,b", "port=', ' host=a,b",
     "host='a, ' port=1,2", "tcp_user_timeout=-5", "keepalives_idle=-5", "keepalives=0 keepalives_idle=0"]
with open("/tmp/lpq3/cases.tsv", "a") as f:
    for ci in X: f.write(f"p\t-\t{ci}\n")
with open("/tmp/lpq3/deferred_x.tsv", "w") as f:
    for ci in X: f.write(f"c\t-\thost=127.0.0.1 port=55431 user=postgres dbname=postgres {ci}\n")
