#!/usr/bin/env bash
# The servers the connect cases were recorded against: PostgreSQL 18 (the testkit's extracted binaries)
# as a primary on 55431 and a hot standby on 55432, TLS with a fresh CA, one user per authentication
# method (the same users LibpqConnectConformanceIT creates). Run as root: the servers run as nobody.
set -euo pipefail
W=${WORK:-/tmp/lpq}
B=${PGBIN:-/tmp/pgconn-testkit-root/pg-18.0.0/bin}
export LD_LIBRARY_PATH=$B/../lib
D=$W/srv; rm -rf "$D"; mkdir -p "$D" "$W/home/sysconf"; cd "$D"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=lpq-ca" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf "subjectAltName=DNS:localhost,IP:127.0.0.1\n" > ext.cnf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 30 -extfile ext.cnf 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/other.key" -out "$W/otherca.crt" -days 30 -subj "/CN=other" 2>/dev/null
cp ca.crt "$W/ca.crt"
chown -R nobody "$D"; chmod 755 "$W"
runuser -u nobody -- "$B/initdb" -D "$D/p1" -U postgres -A trust >/dev/null
cp server.crt server.key ca.crt "$D/p1/"; chmod 600 "$D/p1/server.key"
cat >> "$D/p1/postgresql.conf" <<C
listen_addresses='127.0.0.1,::1'
port=55431
unix_socket_directories='$D'
ssl=on
ssl_cert_file='server.crt'
ssl_key_file='server.key'
ssl_ca_file='ca.crt'
wal_level=replica
hot_standby=on
C
cat > "$D/p1/pg_hba.conf" <<H
local all all trust
host replication all all trust
hostnossl all nossl_u all trust
hostssl all sslonly_u all trust
host all trust_u all trust
host all md5_u all md5
host all pw_u all password
host all scram_u all scram-sha-256
host all postgres all trust
host all all all scram-sha-256
H
chown -R nobody "$D"; chmod 700 "$D/p1"
runuser -u nobody -- "$B/pg_ctl" -D "$D/p1" -l "$D/p1.log" -w start >/dev/null
q() { psql "host=$D port=55431 user=postgres dbname=postgres" -qAt -c "$1"; }
q "set password_encryption='md5'; create user md5_u password 'secret'; create user pw_u password 'secret'"
q "set password_encryption='scram-sha-256'; create user scram_u password 'secret'"
q "create user trust_u; create user nossl_u; create user sslonly_u; create user root"
for db in root trust_u scram_u md5_u pw_u; do q "create database $db"; done
# the standby: a cold copy of the primary, then streaming
runuser -u nobody -- "$B/pg_ctl" -D "$D/p1" -w stop >/dev/null
cp -a "$D/p1" "$D/s1"; touch "$D/s1/standby.signal"
printf "port=55432\nprimary_conninfo='host=127.0.0.1 port=55431 user=postgres'\n" >> "$D/s1/postgresql.conf"
chown -R nobody "$D/s1"
runuser -u nobody -- "$B/pg_ctl" -D "$D/p1" -l "$D/p1.log" -w start >/dev/null
runuser -u nobody -- "$B/pg_ctl" -D "$D/s1" -l "$D/s1.log" -w start >/dev/null
printf '127.0.0.1:55431:*:md5_u:secret\n' > "$W/home/.pgpass"; chmod 600 "$W/home/.pgpass"
