# Builds the committed expectations from libpq 18.0's answers (libpq.out for cases.tsv, libpq.dout for the
# deferred ones run against a server). Fields are libpq's resolved options (PQconninfo after PQconnectStart),
# normalised to what ConnConfig exposes.
import sys
exec(open(__import__('os').path.join(__import__('os').path.dirname(__file__), 'compare.py')).read().split("cases = [")[0])
DELIBERATE = {
 "postgresql://h/db?application_name=%FF": "pgconn refuses: percent-decoded values must be UTF-8 (Java strings hold text, not bytes; §9)",
 "postgresql://u:p@ss@h/db": "pgconn refuses: a host name holding '@' is a password's tail (§9)",
 "require_auth=scram-sha-256-plus": "pgconn accepts: its own require_auth value, SCRAM with channel binding only (§9)",
}
cases = [l.rstrip("\n") for l in open("cases.tsv") if l.strip() and not l.startswith("#")]
L = open("libpq.out", errors="surrogateescape").read().split("\n")
deferred = {}
for c, l in zip(open("deferred.tsv").read().splitlines(), open("libpq.dout").read().split("\n")):
    ci = c.split("\t")[2].replace("host=127.0.0.1 port=55431 user=postgres dbname=postgres ", "", 1)
    env = c.split("\t")[1]
    deferred[(env, ci)] = l
KEYS = ["hosts","user","dbname","password","application_name","options","sslmode","sslnegotiation","channel_binding",
        "target_session_attrs","load_balance_hosts","connect_timeout","keepalives"]
out = []
for c, l in zip(cases, L):
    m, env, ci = c.split("\t")
    if ci in DELIBERATE:
        out.append(f"{env}\t{ci}\tdeliberate\t{DELIBERATE[ci]}"); continue
    f = l.split("\t")
    a = norm_libpq(l)
    if a[0] == "ERR":
        out.append(f"{env}\t{ci}\terror\t{a[1]}"); continue
    d = deferred.get((env, ci))
    if d is not None:
        df = d.split("\t")
        if df[2] == "CONN_ERR":
            msg = df[3].split("failed: ", 1)[-1]
            out.append(f"{env}\t{ci}\tconnect-error\t{msg}"); continue
    o = a[2]
    # effective application_name as libpq sends it
    r = kvs(f[4] if f[2] == "OPT_ERR" else f[3])
    app = r["application_name"] if "application_name" in r else r.get("fallback_application_name", "")  # libpq: appname ? appname : fbappname (empty counts)
    o["application_name"] = app
    ct = o.get("connect_timeout")
    if ct is not None:
        o["connect_timeout"] = str(max(0, int(ct)))
    if "keepalives" in o:
        o["keepalives"] = "1" if int(o["keepalives"]) != 0 else "0"
    for k in ("user", "dbname"):
        if o.get(k) == "root" and "root" not in ci and "root" not in env:
            o[k] = "@OSUSER@"
    fields = "\t".join(f"{k}={o[k]}" for k in KEYS if k in o and (o[k] != "" or k in ("application_name",)))
    out.append(f"{env}\t{ci}\tok\t{fields}")
hdr = """# libpq conformance cases: connection strings, each with what libpq 18.0 (libpq.so.5.18, PostgreSQL 18.0)
# answered, recorded by the differential harness (src/test/libpq-harness/): environment (NAME=value;...
# or -), the connection string, libpq's outcome, and then either libpq's message or the resolved settings.
#   ok             libpq accepted it; the fields are its resolved options (PQconninfo), normalised
#   error          libpq refused it before dialling (PQconninfoParse or the option checks)
#   connect-error  libpq accepted the text but refused it while connecting, for a reason in the
#                  string itself (tried against a real server; pgconn refuses it when parsing)
#   deliberate     pgconn differs on purpose (docs/lifecycle.md §9): 'pgconn accepts' or 'pgconn refuses', and why
# HOME and PGSYSCONFDIR point at the service files of ServiceFiles in the test (same content as when recorded).
"""
sys.stdout.write((hdr + "\n".join(out) + "\n").replace("/tmp/lpq/home", "@HOME@"))
