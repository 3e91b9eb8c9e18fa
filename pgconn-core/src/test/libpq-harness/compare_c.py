import sys
def lib(line):
    f = line.split("\t")
    if f[0] == "PARSE_ERR": return ("ERR", "parse: " + f[1])
    if f[2] == "CONN_ERR": return ("ERR", f[3])
    return ("OK", f[3])
def pg(line):
    f = line.split("\t")
    if f[0] == "ERR": return ("ERR", "parse: " + f[1])
    if f[1] == "CONN_ERR": return ("ERR", f[2])
    return ("OK", f[2])
cases = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
L = open(sys.argv[2], errors="replace").read().split("\n"); P = open(sys.argv[3], errors="replace").read().split("\n")
n = 0
for c, l, p in zip(cases, L, P):
    a, b = lib(l), pg(p)
    if a[0] != b[0] or (a[0] == "OK" and a[1] != b[1] and "random" not in c):
        n += 1; print(f"{c!r}\n   libpq: {a[0]} {a[1]}\n  pgconn: {b[0]} {b[1]}")
print("cases", len(cases), "diffs", n)
