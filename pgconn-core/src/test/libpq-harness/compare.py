import sys
DIAL = ("could not translate host name", "connection to server", "could not connect", "could not parse network address")
def kvs(s):
    d = {}
    for part in s.split("\x1f"):
        if "=" in part:
            k, v = part.split("=", 1); d[k] = v
    return d
def norm_libpq(line):
    f = line.split("\t")
    if f[0] == "PARSE_ERR": return ("ERR", f[1], None)
    status = f[2]
    if status == "OPT_ERR":
        msg = f[3]
        if not msg.startswith(DIAL): return ("ERR", msg, None)
        r = kvs(f[4])
    else:
        r = kvs(f[3])
    hosts = r.get("host", ""); addrs = r.get("hostaddr", ""); ports = r.get("port", "")
    hl = hosts.split(",") if hosts else []; al = addrs.split(",") if addrs else []; pl = ports.split(",") if ports else []
    n = len(al) if al else max(len(hl), 1)
    hs = ""
    for i in range(n):
        h = hl[i] if hl else ""; a = al[i] if al else ""
        p = pl[0 if len(pl) == 1 else i] if pl else ""
        if h == "": h = a if a else "localhost"
        if h.startswith("/") and False: pass
        import re as _re
        if p and _re.fullmatch(r"\s*[+-]?\d+\s*", p):
            p = str(int(p.strip()))  # libpq reads the port with its integer rule when connecting
        hs += f"{h}/{a}/{p if p else 5432};"
    o = {"hosts": hs}
    for k in ["user","dbname","password","application_name","options","replication","sslmode","sslnegotiation","sslrootcert",
              "channel_binding","require_auth","target_session_attrs","load_balance_hosts","connect_timeout","keepalives",
              "keepalives_idle","keepalives_interval","keepalives_count","sslsni","ssl_min_protocol_version","ssl_max_protocol_version",
              "min_protocol_version","max_protocol_version"]:
        if k in r and r[k] != "": o[k] = r[k]
    # libpq defaults that PQconninfo leaves unset
    o.setdefault("require_auth", ""); o.setdefault("keepalives", "1"); o.setdefault("min_protocol_version","3.0"); o.setdefault("max_protocol_version","3.0")
    if o.get("min_protocol_version") == "latest": o["min_protocol_version"] = "3.2"
    if o.get("max_protocol_version") == "latest": o["max_protocol_version"] = "3.2"
    if "dbname" not in o and "user" in o: o["dbname"] = o["user"]
    return ("OK", "", o)
def norm_pg(line):
    f = line.split("\t")
    if f[0] == "ERR": return ("ERR", f[1], None)
    return ("OK", "", kvs(line[2:]))
cases = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
L = open(sys.argv[2], errors="replace").read().split("\n"); P = open(sys.argv[3], errors="replace").read().split("\n")
diffs = 0
for c, l, p in zip(cases, L, P):
    a = norm_libpq(l); b = norm_pg(p)
    if a[0] != b[0]:
        diffs += 1; print(f"STATUS {c!r}\n   libpq: {a[0]} {a[1]}\n  pgconn: {b[0]} {b[1]}")
    elif a[0] == "OK":
        keys = set(a[2]) | set(b[2])
        skip = {"connect_timeout"} if "connect_timeout" not in a[2] else set()
        d = {k: (a[2].get(k), b[2].get(k)) for k in sorted(keys - skip) if a[2].get(k) != b[2].get(k)}
        if d:
            diffs += 1; print(f"VALUE {c!r}\n   " + "\n   ".join(f"{k}: libpq={x!r} pgconn={y!r}" for k, (x, y) in d.items()))
print("cases", len(cases), "diffs", diffs)
