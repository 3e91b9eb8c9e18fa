"""Writes src/test/resources/libpq-conformance/differential-corpus.txt for ConnectionStringDifferentialIT:
libpq's documented connection-string forms (libpq docs "Connection Strings": key=value with quoting, escapes and
whitespace around '=', URIs with percent-encoding, IPv6 literals, host lists, Unix-socket paths, query parameters)
and edge cases, then mutations of them (insert, delete, duplicate, splice, append a keyword), deterministic.

    python3 gen_differential_corpus.py 3000 16 > ../resources/libpq-conformance/differential-corpus.txt

One string per line; {U+XXXX} stands for a character that would not survive as text (controls, Unicode spaces,
'{', a leading '#', a trailing space). The expected answers are not stored: the test asks libpq each run."""
import random, sys, unicodedata
SEEDS = r"""host=localhost port=5432 dbname=mydb connect_timeout=10
host=localhost port=5432 dbname=mydb user=app password=secret application_name=myapp
postgresql://
postgres://
postgresql://localhost
postgresql://localhost:5433
postgresql://localhost/mydb
postgresql://user@localhost
postgresql://user:secret@localhost
postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp
postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp
postgresql:///mydb?host=localhost&port=5433
postgresql://[2001:db8::1234]/database
postgresql://[::1]:5433,[fe80::1%25eth0]/db
postgresql:///dbname?host=/var/lib/postgresql
postgresql://%2Fvar%2Flib%2Fpostgresql/dbname
postgresql://us%40er:p%3Ass@h%41st:5432/d%2Fb?options=-c%20search_path%3Dx
postgresql://h?sslmode=require&sslrootcert=/tmp/root.crt&keepalives=0
postgresql://h/db?ssl=true
postgresql://h/db?ssl=false
postgresql://h/db?unknown=1
postgresql://h/db?service=svc&passfile=/tmp/pp
postgresql://,h2:5433,:5434/db
postgresql://h1,h2/db?port=1,2
host=h1,h2 port=5432
host=h1,h2,h3 port=1,2,3 target_session_attrs=read-write
host=,h2 port=,5433
host=/var/run/postgresql dbname=x
host=@abstract port=5432
hostaddr=127.0.0.1 host=db.example.com
keyword = value
host = 'a value' user='it\'s' password='back\\slash'
host=a\ b user=x\'y
application_name='' options='-c geqo=off'
dbname= user=u
host=a host=b
host=a Host=b
nosuchkeyword=1
host='unterminated
host
=value
host==x
host=a=b
host=x\
options='-c search_path=a\,b' application_name=app\ name
sslmode=verify-full sslrootcert=system sslcert=/c sslkey=/k
target_session_attrs=prefer-standby load_balance_hosts=random
keepalives=1 keepalives_idle=10 keepalives_interval=5 keepalives_count=3 tcp_user_timeout=1000
client_encoding=UTF8 fallback_application_name=fb replication=database
service=mysvc
gssencmode=disable krbsrvname=postgres channel_binding=require
require_auth=scram-sha-256 sslnegotiation=direct sslcertmode=disable
requiressl=1 sslsni=0 sslcompression=0 ssl_min_protocol_version=TLSv1.2
   host=a   
host=a	port=1
postgresql://user:pa?ss@db/app
postgresql://h?application_name=x@y
postgresql://app:p@ss@db
postgresql://[::1
postgresql://[]/db
postgresql://[::1]x/db
postgresql://h:/db
postgresql://h:abc/db
postgresql://h/db?a
postgresql://h/db?application_name=a=b
postgresql://h/db?&
postgresql://h/db?application_name=%zz
postgresql://h/db?application_name=%00
postgresql://h/db?application_name=%FF
postgresql://h/db?application_name=%C3%A9
postgresql://h/db#frag
postgresql://h/ db
postgresql://h/d%20b
POSTGRESQL://h/db
postgresql:/h/db
 postgresql://h/db
postgresql://h/db 
postgresql://h/db?application_name=a%20b&options=x+y
postgresql://h/db?application_name=%4a%4A%e2%98%83
postgresql://h/db?application_name=%٣٣
postgresql://h/d%ＡＡb
port=٥٤٣٢ application_name=x　y"""
ALPHA = ["=", "'", "\\", " ", "\t", "\n", "?", "&", "@", ":", "/", ",", "[", "]", "%", "%2", "%20", "%00", "%41", "%2C",
         "\x1f", "\x0b", "\x0c", "\r", "\u00a0", "\u3000", "\u2028", "#", ";", "\"", "x", "1", "-", "host=", " port=", "&port=", "?host=",
         "postgresql://", "''", "\\'", "é", "\x01", "\u0663", "\uff21", "%e2%98"]
KEYWORDS = ["host", "hostaddr", "port", "dbname", "user", "password", "options", "sslmode", "sslrootcert", "application_name",
            "connect_timeout", "target_session_attrs", "keepalives", "service", "passfile", "client_encoding", "sslcert", "sslkey",
            "fallback_application_name", "replication", "gssencmode", "channel_binding", "tcp_user_timeout", "sslsni", "krbsrvname"]
def mutate(s, rnd, seeds):
    op = rnd.choice([0, 0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 6])
    i = rnd.randrange(len(s) + 1)
    if op == 0 or not s:
        return s[:i] + rnd.choice(ALPHA) + s[i:]
    if op == 1:
        j = min(len(s), i + rnd.randrange(1, 4))
        return s[:i] + s[j:]
    if op == 2:
        j = min(len(s), i + rnd.randrange(1, 8))
        return s[:j] + s[i:j] + s[j:]
    if op == 3:
        o = rnd.choice(seeds)
        k = rnd.randrange(len(o) + 1)
        return s[:i] + o[k:]
    if op == 4:
        return s + " " + rnd.choice(KEYWORDS) + "=" + rnd.choice(["x", "'a b'", "", "''", "1", "-1", " 2", "a\\ b", "%41", "/tmp"])
    if op == 5:
        return s + rnd.choice(["&", "?"]) + rnd.choice(KEYWORDS) + "=" + rnd.choice(["x", "", "1", "%20", "a%2Cb", "/tmp"])
    j = min(len(s), i + 1)
    return s[:i] + rnd.choice(ALPHA) + s[j:]
def escape(s):
    out = []
    for i, c in enumerate(s):
        cat = unicodedata.category(c)
        if (c == "{" or (c == "#" and i == 0) or (c == " " and i == len(s) - 1)
                or (c != " " and cat in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"))):
            out.append("{U+%04X}" % ord(c))
        else:
            out.append(c)
    return "".join(out)
def main():
    n = int(sys.argv[1]); rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 16)
    seeds = SEEDS.split("\n")
    out = list(dict.fromkeys(seeds))
    seen = set(out)
    while len(out) < n:
        s = rnd.choice(seeds)
        for _ in range(rnd.randrange(1, 3)):
            s = mutate(s, rnd, seeds)
        if "\x00" not in s and s not in seen:
            seen.add(s); out.append(s)
    sys.stdout.write("# generated by src/test/c/gen_differential_corpus.py %d %s; {U+XXXX} is one character\n" % (n, sys.argv[2] if len(sys.argv) > 2 else "16"))
    for s in out:
        if s:
            sys.stdout.write(escape(s) + "\n")
main()
