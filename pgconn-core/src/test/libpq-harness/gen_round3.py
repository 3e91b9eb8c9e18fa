# Round-3 rows for libpq18-cases.tsv from libpq 18.0's answers: libpq.out (p mode) and libpq.dout (the
# integer, address and replication cases again, against a server: 'connect-error' when libpq refused the text there)
import sys, re
exec(open('/work/wt-libpq/pgconn-core/src/test/libpq-harness/compare.py').read().split("cases = [")[0])
PREFIX = "host=127.0.0.1 port=55431 user=postgres dbname=postgres "
# libpq refused these at connect time because of the text itself (not because of the server or the auth)
STRING_FAULTS = ("invalid integer value", "setsockopt(", "invalid port number", "could not parse network address",
                 "invalid value for parameter")
DELIBERATE = {}
exec(open('deliberate.py').read()) if __import__('os').path.exists('deliberate.py') else None
existing = set()
for l in open('/work/wt-libpq/pgconn-core/src/test/resources/libpq-conformance/libpq18-cases.tsv'):
    if l.strip() and not l.startswith('#'):
        f = l.rstrip('\n').split('\t'); existing.add((f[0], f[1]))
deferred = {}
for c, l in zip(open("deferred_all.tsv").read().splitlines(), open("libpq.dout_all").read().split("\n")):
    m, env, ci = c.split("\t"); deferred[(env, ci.replace(PREFIX, "", 1))] = l
KEYS = ["hosts","user","dbname","password","application_name","options","sslmode","sslnegotiation","channel_binding",
        "target_session_attrs","load_balance_hosts","connect_timeout","keepalives","keepalives_idle","keepalives_interval",
        "keepalives_count","tcp_user_timeout","sslsni","replication","min_protocol_version","max_protocol_version"]
def server_bool(v):  # PostgreSQL's parse_bool: case-insensitive, unique prefixes, no spaces
    lv = v.lower()
    for word, val, minlen in (("true", True, 1), ("false", False, 1), ("yes", True, 1), ("no", False, 1), ("on", True, 2), ("off", False, 2), ("1", True, 1), ("0", False, 1)):
        if len(lv) >= minlen and word.startswith(lv): return val
    return None
cases = [l.rstrip("\n") for l in open("cases.tsv") if l.strip()]
L = open("libpq.out", errors="surrogateescape").read().split("\n")
out = []; n = 0
for c, l in zip(cases, L):
    m, env, ci = c.split("\t")
    if (env, ci) in existing: continue
    existing.add((env, ci))
    n += 1
    if ci in DELIBERATE:
        out.append(f"{env}\t{ci}\tdeliberate\t{DELIBERATE[ci]}"); continue
    f = l.split("\t")
    a = norm_libpq(l)
    if a[0] == "ERR":
        out.append(f"{env}\t{ci}\terror\t{a[1]}"); continue
    d = deferred.get((env, ci))
    if d is None and "could not parse network address" in l:
        out.append(f"{env}\t{ci}\tconnect-error\t{f[3]}"); continue
    if d is not None:
        df = d.split("\t")
        if len(df) > 3 and df[2] == "CONN_ERR" and any(s in df[3] for s in STRING_FAULTS):
            msg = df[3].split("failed: ", 1)[-1]
            out.append(f"{env}\t{ci}\tconnect-error\t{msg}"); continue
    o = a[2]
    r = kvs(f[4] if f[2] == "OPT_ERR" else f[3])
    if r.get("tcp_user_timeout"): o["tcp_user_timeout"] = r["tcp_user_timeout"]
    r = kvs(f[4] if f[2] == "OPT_ERR" else f[3])
    o["application_name"] = r["application_name"] if "application_name" in r else r.get("fallback_application_name", "")  # libpq: appname ? appname : fbappname (empty counts)
    if o.get("connect_timeout") is not None: o["connect_timeout"] = str(max(0, int(o["connect_timeout"])))
    if "keepalives" in o: o["keepalives"] = "1" if int(o["keepalives"]) != 0 else "0"
    for k in ("keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"):
        if k in o:
            if o["keepalives"] == "0" and k != "tcp_user_timeout": del o[k]; continue
            if k == "tcp_user_timeout" and o["keepalives"] == "0": del o[k]; continue
            o[k] = str(max(0, int(o[k].strip())))
    if "sslsni" in o: o["sslsni"] = "1" if o["sslsni"].startswith("1") else "0"
    if "sslsni" in r and r["sslsni"] == "": o["sslsni"] = "0"
    if "replication" in o:
        rv = o["replication"]
        o["replication"] = "database" if rv == "database" else ("true" if server_bool(rv) else "")
    mn = r.get("min_protocol_version") or "3.0"; mx = r.get("max_protocol_version")
    o["min_protocol_version"] = "3.2" if mn == "latest" else mn
    o["max_protocol_version"] = ("3.2" if mx == "latest" else mx) if mx else ("3.2" if o["min_protocol_version"] != "3.0" else "3.0")
    for k in ("user", "dbname"):
        if o.get(k) == "root" and "root" not in ci and "root" not in env: o[k] = "@OSUSER@"
    fields = "\t".join(f"{k}={o[k]}" for k in KEYS if k in o and (o[k] != "" or k in ("application_name",)))
    out.append(f"{env}\t{ci}\tok\t{fields}")
sys.stderr.write(f"{n} new rows\n")
sys.stdout.write("# round 3 (session 8): URI percent-encoding, IPv6 and host lists, quoting, integer and enum spellings,\n"
                 "# protocol versions, hostaddr forms, service-file sections; integer/address/replication cases also tried against a server\n"
                 + "\n".join(out).replace("/tmp/lpq/home", "@HOME@") + "\n")
