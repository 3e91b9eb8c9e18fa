#!/usr/bin/env bash
# Benchmarks: pgconn next to pgjdbc, r2dbc-postgresql, vertx-pg-client, a native libpq worker and pgbench -C, in one run.
# Starts its own PostgreSQL 18 servers (pgconn-testkit), prints the tables, and with --results FILE writes them.
#
#   pgconn-benchmarks/run.sh [--results FILE] [--pause-ms N] [--warmup-ms N] [--measure-ms N] [--rounds N]
#                            [--max-iterations N] [--heap-connections N] [--clients a,b,...] [--scenarios A,B,...]
#                            [--pk-rounds N] [--pk-turn N] [--query-server primary-only|with-standby]
#                            [--pgbench PATH] [--pgconn-build NAME=PATH]... [--r2dbc-build NAME=PATH]... [--starter-build NAME=PATH]... [--quick]
#
# (the options: pgconn-benchmarks/README.md). Builds the module first (the Maven wrapper, or `pgmvn` when on PATH;
# offline first). Takes about 18 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=./mvnw
command -v pgmvn >/dev/null 2>&1 && MVN=pgmvn
OFFLINE=()
[ "${BENCH_OFFLINE:-1}" = 1 ] && OFFLINE=(-o)
if ! "$MVN" "${OFFLINE[@]}" -q -pl pgconn-benchmarks -am package -DskipTests; then
  echo "offline build failed; retrying online" >&2
  "$MVN" -q -pl pgconn-benchmarks -am package -DskipTests
fi
# the native libpq worker (same loops and commands as the Java workers); skipped with a note without gcc/libpq-dev
if command -v gcc >/dev/null 2>&1 && [ -f /usr/include/postgresql/libpq-fe.h ]; then
  gcc -O2 -Wall -o pgconn-benchmarks/target/libpq-worker pgconn-benchmarks/src/main/c/libpq_worker.c \
      -I/usr/include/postgresql -lpq -lm
else
  echo "gcc or libpq-dev missing: no native libpq worker in this run" >&2
fi
CP="pgconn-benchmarks/target/classes:$(cat pgconn-benchmarks/target/classpath.txt)"
exec java -Xmx512m -cp "$CP" io.pgconn.bench.BenchMain "$@"
