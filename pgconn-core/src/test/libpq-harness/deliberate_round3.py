AT = "pgconn refuses: a host name holding '@' is a password's tail (§9)"
KA = "pgconn refuses: it checks keepalive values even with keepalives=0, where libpq never reads them (§9)"
AT_ON = "pgconn refuses: hostaddr in inet_aton's legacy forms (short, hex, octal, a single number) is not an address pgconn reads as libpq does (§9)"
DELIBERATE = {
 "postgresql://h/db?application_name=%C3": "pgconn refuses: percent-decoded values must be UTF-8 (Java strings hold text, not bytes; §9)",
 "postgresql://h?user=u@x": "pgconn accepts, reading it differently: a ?key=value before the first '@' starts the query (host h, user u@x); libpq reads 'h?user=u' as the user and x as the host (§9)",
 "postgresql://u@h1,v@h2/db": AT, "postgresql://u@h@h2/db": AT,
 "client_encoding=SQL_ASCII": "pgconn refuses: it reads and writes text as UTF-8 only (§9)",
 "sslmode=disable channel_binding=require require_auth=!scram-sha-256": "pgconn refuses: channel_binding=require can never be met without TLS (libpq fails at authentication; §9)",
 "keepalives=0 keepalives_idle=abc": KA, "keepalives=0 keepalives_interval=-1": KA, "keepalives=0 keepalives_count=abc": KA,
 "keepalives=0 tcp_user_timeout=abc": KA, "keepalives=0 keepalives_idle=0": KA,
 "hostaddr=127.1": AT_ON, "hostaddr=0x7f.0.0.1": AT_ON, "hostaddr=0127.0.0.1": AT_ON, "hostaddr=2130706433": AT_ON,
 "hostaddr=127.0.0.010": AT_ON, "hostaddr=127.0.0.01": AT_ON, "hostaddr=127.0.0.001": AT_ON,
}
BLANK = "pgconn refuses: a host name of spaces only can never resolve; libpq fails when it dials it (§9)"
DELIBERATE.update({
 "host=' '": BLANK, "host='a, ' port=1,2": BLANK,
 "hostaddr='127.0.0.1, 127.0.0.2'": "pgconn refuses: every hostaddr entry is checked before dialling; libpq fails only when it reaches ' 127.0.0.2' (§9)",
})
