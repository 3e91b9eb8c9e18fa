#!/usr/bin/env bash
# Connect benchmarks: pgconn next to pgjdbc, r2dbc-postgresql, vertx-pg-client and pgbench -C, in one run.
# Starts its own PostgreSQL 18 servers (pgconn-testkit), prints the tables, and with --results FILE writes them.
#
#   pgconn-benchmarks/run.sh [--results FILE] [--pause-ms N] [--warmup-ms N] [--measure-ms N]
#                            [--max-iterations N] [--heap-connections N] [--pgbench-seconds N]
#                            [--clients pgconn,pgconn-jdk,pgjdbc,r2dbc,vertx] [--pgbench PATH] [--quick]
#
# Builds the module first (Maven, offline first). Takes about 17 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=mvn
command -v pgmvn >/dev/null 2>&1 && MVN=pgmvn
OFFLINE=()
[ "${BENCH_OFFLINE:-1}" = 1 ] && OFFLINE=(-o)
if ! "$MVN" "${OFFLINE[@]}" -q -pl pgconn-benchmarks -am install -DskipTests; then
  echo "offline build failed; retrying online" >&2
  "$MVN" -q -pl pgconn-benchmarks -am install -DskipTests
fi
CP="pgconn-benchmarks/target/classes:$(cat pgconn-benchmarks/target/classpath.txt)"
exec java -Xmx512m -cp "$CP" io.pgconn.bench.BenchMain "$@"
