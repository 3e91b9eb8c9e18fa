import sys
SETS = [("ccases.tsv", "libpq.cout"), ("extra.tsv", "libpq.eout"), ("crl.tsv", "libpq.crlout"), ("ne_primary.tsv", "ne_primary.lib"), ("fb.tsv", "fb.lib"), ("ro2.tsv", "ro2.lib"), ("envempty.tsv", "envempty.lib"), ("sasl.tsv", "sasl.lib")]
DELIBERATE = {"client_encoding=LATIN1": "pgconn refuses: it reads and writes text as UTF-8 only (docs/lifecycle.md §9)", "PGCLIENTENCODING=LATIN1": "pgconn refuses: it reads and writes text as UTF-8 only (docs/lifecycle.md §9)"}
SUBST = [("/tmp/lpq/crl/empty.crl", "@CRL_EMPTY@"), ("/tmp/lpq/crl/revoked.crl", "@CRL_REVOKED@"), ("/tmp/lpq/crl/dir", "@CRL_DIR@"),
         ("/tmp/lpq/crl", "@EMPTY_DIR@"), ("/tmp/lpq/otherca.crt", "@OTHER_CA@"), ("/tmp/lpq/ca.crt", "@CA@"), ("/tmp/lpq/home", "@HOME@"),
         ("/tmp/lpq/srv", "@SOCKETS@"), ("55431", "@PRIMARY@"), ("55432", "@STANDBY@")]
def sub(s):
    for a, b in SUBST: s = s.replace(a, b)
    return s
rows = []
seen = set()
for cf, lf in SETS:
    cases = [l.rstrip("\n") for l in open(cf) if l.strip()]
    outs = open(lf, errors="replace").read().split("\n")
    for c, o in zip(cases, outs):
        m, env, ci = c.split("\t")
        has_user = "user=" in ci.replace("user= ", "") or "PGUSER=" in env
        if not has_user or "user=root" in ci or ci.rstrip().endswith("user=") or "user= " in ci: continue
        if "replication=" in ci and "replication=database" not in ci and "replication=off" not in ci and "replication=bogus" not in ci: continue
        if "requirepeer" in ci or "host=/" in ci: continue
        if "sslrootcert=system" in ci and "verify-full" not in ci and "sslmode" not in ci: pass
        key = (env, ci)
        if key in seen: continue
        seen.add(key)
        f = o.split("\t")
        deliberate = next((v for k, v in DELIBERATE.items() if k in ci or k in env), None)
        if deliberate:
            rows.append((env, ci, "deliberate", deliberate)); continue
        if f[0] == "PARSE_ERR":
            rows.append((env, ci, "error", f[1])); continue
        if f[2] == "CONN_ERR":
            rows.append((env, ci, "error", f[3])); continue
        det = f[3]
        if "load_balance_hosts=random" in ci:
            det = "random: " + " ".join(x for x in det.split() if not x.startswith(("host=", "port=", "recovery=")))
        rows.append((env, ci, "ok", det))
hdr = """# libpq conformance, connecting: connection strings run by libpq 18.0 (libpq.so.5.18) against PostgreSQL 18.0
# (a primary and a hot standby, TLS with a test CA, users per authentication method: see
# LibpqConnectConformanceIT), recorded by src/test/libpq-harness. Columns: environment (NAME=value;... or -),
# the connection string, libpq's outcome (ok / error / deliberate), and then what the session showed
# (host, port, TLS, current_user, current_database(), application_name, pg_is_in_recovery()) or libpq's
# first error line. @PRIMARY@/@STANDBY@ are the servers' ports, @CA@ the test CA, @OTHER_CA@ a CA that
# signed nothing, @HOME@ a home directory with .pgpass, @CRL_*@ revocation lists of the test CA.
"""
sys.stdout.write(hdr + "\n".join(sub("\t".join(r)) for r in rows) + "\n")
