/*
 * The native baseline as a benchmark worker: libpq doing the same loops as the Java workers
 * (io.pgconn.bench.Measure), driven by the coordinator over stdin with the same commands
 * (io.pgconn.bench.WorkerMain), so its p50 sits in the same table, timed in the same rounds.
 *
 *   libpq-worker <pauseMs> host=... primaryPort=... standbyPort=... refusedPort=... database=...
 *                trustUser=... scramUser=... scramPassword=... caFile=...
 *
 * Commands: WARMUP <scenario> <ms> | MEASURE <scenario> <ms> <maxIterations> | REPORT <scenario> | QUIT;
 * every answer ends with DONE. A connect is timed from PQconnectdb's call to its return (blocking,
 * as libpq's own applications use it), close is PQfinish; then the loop waits until the server's
 * backend process has exited (/proc/<pid>), as the Java loops do.
 * COPY_IN / COPY_OUT (io.pgconn.bench.Measure.copyLoop): on one connection to the query server (queryPort), kept
 * from the first warm-up to REPORT; COPY FROM STDIN of copy_data()'s 100,000 rows with PQputCopyData in chunks of
 * 65,536 bytes and PQputCopyEnd, or COPY TO STDOUT read with PQgetCopyData (one row per call); the TRUNCATE before
 * and the count(*) check after a COPY_IN are outside the timed part, on the same connection.
 * Built by pgconn-benchmarks/run.sh with gcc and libpq-dev; never part of the Maven build.
 */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum { TRUST, SCRAM, SCRAM_REQUIRE, SCRAM_VERIFY_FULL, FAILOVER_FIRST, FAILOVER_REPEAT, FAILOVER_DIRECT, CLOSE, SELECT_ONE, COPY_IN,
       COPY_OUT, N_SCENARIOS };

static const char *NAMES[N_SCENARIOS] = {"TRUST", "SCRAM", "SCRAM_REQUIRE", "SCRAM_VERIFY_FULL", "FAILOVER_FIRST",
                                         "FAILOVER_REPEAT", "FAILOVER_DIRECT", "CLOSE", "SELECT_ONE", "COPY_IN", "COPY_OUT"};

/* as io.pgconn.bench.QueryWork */
#define COPY_ROWS 100000L
#define COPY_CHUNK 65536
static const char *COPY_IN_SQL = "COPY bench_copy_in (id, name, v, at) FROM STDIN";
static const char *COPY_OUT_SQL = "COPY bench_copy_src (id, name, v, at) TO STDOUT";

typedef struct {
    long *values;
    size_t size, capacity;
    long cpu_nanos;
    long cpu_ops;
} samples;

static samples timings[N_SCENARIOS];
/* per COPY scenario: each measured turn's rows/s (the TURNS line), rows and nanoseconds of all turns */
static samples turn_rates[N_SCENARIOS];
static long copy_rows[N_SCENARIOS], copy_nanos[N_SCENARIOS];
static PGconn *kept[N_SCENARIOS];
static char *copy_data;
static size_t copy_length;
static char conninfo[N_SCENARIOS][2048];
static long pause_nanos;

static long now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static long cpu_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void add(samples *s, long nanos) {
    if (s->size == s->capacity) {
        s->capacity = s->capacity ? s->capacity * 2 : 1024;
        s->values = realloc(s->values, s->capacity * sizeof(long));
        if (!s->values) {
            perror("realloc");
            exit(1);
        }
    }
    s->values[s->size++] = nanos;
}

static void sleep_nanos(long nanos) {
    struct timespec ts = {nanos / 1000000000L, nanos % 1000000000L};
    nanosleep(&ts, NULL);
}

/* Waits (at most 2 s) until the backend of a closed connection has exited, as Measure.awaitBackendExit. */
static void await_backend_exit(int pid) {
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", pid);
    long deadline = now_nanos() + 2000000000L;
    while (stat(path, &st) == 0 && now_nanos() < deadline) {
        sleep_nanos(1000000L);
    }
}

static const char *arg(int argc, char **argv, const char *key) {
    size_t n = strlen(key);
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') {
            return argv[i] + n + 1;
        }
    }
    fprintf(stderr, "missing argument %s=...\n", key);
    exit(2);
}

static int scenario_of(const char *name) {
    for (int i = 0; i < N_SCENARIOS; i++) {
        if (strcmp(NAMES[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static PGconn *open_connection(int scenario) {
    PGconn *conn = PQconnectdb(conninfo[scenario]);
    if (PQstatus(conn) != CONNECTION_OK) {
        printf("ERROR\tlibpq\t%s\t%s\n", NAMES[scenario], PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

static void connect_loop(int scenario, long time_ms, long max_iterations, int timed) {
    long end = now_nanos() + time_ms * 1000000L;
    for (long i = 0; i < max_iterations && now_nanos() < end; i++) {
        long c0 = cpu_nanos();
        long t0 = now_nanos();
        PGconn *conn = open_connection(scenario);
        long t1 = now_nanos();
        if (!conn) {
            return;
        }
        int pid = PQbackendPID(conn);
        long t2 = now_nanos();
        PQfinish(conn);
        long t3 = now_nanos();
        if (timed) {
            add(&timings[scenario], t1 - t0);
            timings[scenario].cpu_nanos += cpu_nanos() - c0;
            timings[scenario].cpu_ops++;
            if (scenario == TRUST) {
                add(&timings[CLOSE], t3 - t2);
            }
        }
        await_backend_exit(pid);
        if (pause_nanos > 0) {
            sleep_nanos(pause_nanos);
        }
    }
}

static void select_one_loop(long time_ms, long max_iterations, int timed) {
    PGconn *conn = open_connection(SELECT_ONE);
    if (!conn) {
        return;
    }
    long c0 = cpu_nanos();
    long end = now_nanos() + time_ms * 1000000L;
    long n = 0;
    for (; n < max_iterations && now_nanos() < end; n++) {
        long t0 = now_nanos();
        PGresult *r = PQexec(conn, "SELECT 1");
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQgetvalue(r, 0, 0)[0] != '1') {
            printf("ERROR\tlibpq\tSELECT_ONE\t%s\n", PQerrorMessage(conn));
            PQclear(r);
            break;
        }
        PQclear(r);
        long t1 = now_nanos();
        if (timed) {
            add(&timings[SELECT_ONE], t1 - t0);
        }
    }
    if (timed) {
        timings[SELECT_ONE].cpu_nanos += cpu_nanos() - c0;
        timings[SELECT_ONE].cpu_ops += n;
    }
    PQfinish(conn);
}

/* The bytes of io.pgconn.bench.QueryWork.copyData(): row g = g, name-g, g * 1.25, 2026-01-01 00:00:00+00 + g seconds. */
static void build_copy_data(void) {
    size_t capacity = COPY_ROWS * 64;
    copy_data = malloc(capacity);
    if (!copy_data) {
        perror("malloc");
        exit(1);
    }
    copy_length = 0;
    for (long g = 1; g <= COPY_ROWS; g++) {
        long cents = g * 125, s = g % 86400;
        copy_length += (size_t) snprintf(copy_data + copy_length, capacity - copy_length,
                                         "%ld\tname-%ld\t%ld.%02ld\t2026-01-%02ld %02ld:%02ld:%02ld+00\n", g, g, cents / 100, cents % 100,
                                         1 + g / 86400, s / 3600, s / 60 % 60, s % 60);
    }
}

/* Runs an untimed statement; 1 if it ended as expected. */
static int exec_ok(PGconn *conn, int scenario, const char *sql, ExecStatusType expected) {
    PGresult *r = PQexec(conn, sql);
    int ok = PQresultStatus(r) == expected;
    if (!ok) {
        printf("ERROR\tlibpq\t%s\t%s: %s\n", NAMES[scenario], sql, PQerrorMessage(conn));
    }
    PQclear(r);
    return ok;
}

/* The result of a COPY after its data: its row count from "COPY n", or -1. */
static long copy_result(PGconn *conn, int scenario) {
    PGresult *r = PQgetResult(conn);
    long rows = PQresultStatus(r) == PGRES_COMMAND_OK ? atol(PQcmdTuples(r)) : -1;
    if (rows < 0) {
        printf("ERROR\tlibpq\t%s\t%s\n", NAMES[scenario], PQerrorMessage(conn));
    }
    PQclear(r);
    while ((r = PQgetResult(conn)) != NULL) {
        PQclear(r);
    }
    return rows;
}

/* COPY FROM STDIN of copy_data in COPY_CHUNK-byte PQputCopyData calls; the server's row count, or -1. */
static long copy_in(PGconn *conn) {
    PGresult *r = PQexec(conn, COPY_IN_SQL);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok) {
        printf("ERROR\tlibpq\tCOPY_IN\t%s\n", PQerrorMessage(conn));
        return -1;
    }
    for (size_t off = 0; off < copy_length; off += COPY_CHUNK) {
        size_t n = copy_length - off < COPY_CHUNK ? copy_length - off : COPY_CHUNK;
        if (PQputCopyData(conn, copy_data + off, (int) n) != 1) {
            printf("ERROR\tlibpq\tCOPY_IN\t%s\n", PQerrorMessage(conn));
            return -1;
        }
    }
    if (PQputCopyEnd(conn, NULL) != 1) {
        printf("ERROR\tlibpq\tCOPY_IN\t%s\n", PQerrorMessage(conn));
        return -1;
    }
    return copy_result(conn, COPY_IN);
}

/* COPY TO STDOUT, every row read with PQgetCopyData; the rows read, or -1. */
static long copy_out(PGconn *conn) {
    PGresult *r = PQexec(conn, COPY_OUT_SQL);
    int ok = PQresultStatus(r) == PGRES_COPY_OUT;
    PQclear(r);
    if (!ok) {
        printf("ERROR\tlibpq\tCOPY_OUT\t%s\n", PQerrorMessage(conn));
        return -1;
    }
    long rows = 0;
    char *buf;
    int n;
    while ((n = PQgetCopyData(conn, &buf, 0)) > 0) {
        rows++;
        PQfreemem(buf);
    }
    if (n == -2) {
        printf("ERROR\tlibpq\tCOPY_OUT\t%s\n", PQerrorMessage(conn));
    }
    return copy_result(conn, COPY_OUT) == COPY_ROWS && n == -1 ? rows : -1;
}

/* Whole copies for time_ms or max_iterations (at least one), on the scenario's kept connection. */
static void copy_loop(int scenario, long time_ms, long max_iterations, int timed) {
    if (!kept[scenario] && !(kept[scenario] = open_connection(scenario))) {
        return;
    }
    PGconn *conn = kept[scenario];
    long end = now_nanos() + time_ms * 1000000L;
    long rows_before = copy_rows[scenario], nanos_before = copy_nanos[scenario];
    long n = 0;
    do {
        if (scenario == COPY_IN && !exec_ok(conn, scenario, "TRUNCATE bench_copy_in", PGRES_COMMAND_OK)) {
            return;
        }
        long c0 = cpu_nanos();
        long t0 = now_nanos();
        long rows = scenario == COPY_IN ? copy_in(conn) : copy_out(conn);
        long t1 = now_nanos();
        long c1 = cpu_nanos();
        if (rows != COPY_ROWS) {
            printf("ERROR\tlibpq\t%s\t%ld rows, expected %ld\n", NAMES[scenario], rows, COPY_ROWS);
            return;
        }
        if (scenario == COPY_IN) {
            PGresult *r = PQexec(conn, "SELECT count(*) FROM bench_copy_in");
            long loaded = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
            PQclear(r);
            if (loaded != COPY_ROWS) {
                printf("ERROR\tlibpq\tCOPY_IN\tthe table holds %ld rows, expected %ld\n", loaded, COPY_ROWS);
                return;
            }
        }
        if (timed) {
            add(&timings[scenario], t1 - t0);
            timings[scenario].cpu_nanos += c1 - c0;
            timings[scenario].cpu_ops++;
            copy_rows[scenario] += rows;
            copy_nanos[scenario] += t1 - t0;
        }
    } while (++n < max_iterations && now_nanos() < end);
    if (timed && copy_nanos[scenario] > nanos_before) {
        /* rows/s of this turn, kept as a long (rows per second are far above 1) */
        add(&turn_rates[scenario], (long) ((copy_rows[scenario] - rows_before) * 1e9 / (copy_nanos[scenario] - nanos_before)));
    }
}

static int compare_long(const void *a, const void *b) {
    long x = *(const long *) a, y = *(const long *) b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile in milliseconds, as io.pgconn.bench.Result. */
static double percentile(const long *sorted, size_t n, int p) {
    if (n == 0) {
        return NAN;
    }
    long rank = (long) ((p / 100.0) * n + 0.999999999);
    if (rank < 1) {
        rank = 1;
    }
    if ((size_t) rank > n) {
        rank = (long) n;
    }
    return sorted[rank - 1] / 1e6;
}

/* A number as Java's Double.parseDouble reads it ("NaN", not C's "nan"). */
static const char *num(double v, char *buf, size_t size) {
    if (isnan(v)) {
        return "NaN";
    }
    snprintf(buf, size, "%.6f", v);
    return buf;
}

static void report(int scenario) {
    samples *s = &timings[scenario];
    if (scenario == COPY_IN || scenario == COPY_OUT) { /* each turn's rows/s, in order (before the sort below) */
        printf("TURNS\tlibpq\t%s\t", NAMES[scenario]);
        for (size_t i = 0; i < turn_rates[scenario].size; i++) {
            printf("%s%ld.000000", i ? "," : "", turn_rates[scenario].values[i]);
        }
        printf("\n");
        if (kept[scenario]) {
            PQfinish(kept[scenario]);
            kept[scenario] = NULL;
        }
    }
    qsort(s->values, s->size, sizeof(long), compare_long);
    double sum = 0;
    for (size_t i = 0; i < s->size; i++) {
        sum += s->values[i];
    }
    double mean = s->size ? sum / s->size / 1e6 : NAN;
    double cpu = scenario == CLOSE || s->cpu_ops == 0 ? NAN : s->cpu_nanos / 1e6 / s->cpu_ops;
    char b[6][32];
    double throughput = scenario == COPY_IN || scenario == COPY_OUT
            ? (copy_nanos[scenario] ? copy_rows[scenario] * 1e9 / copy_nanos[scenario] : NAN) /* rows/s */
            : (s->size ? 1000.0 / mean : NAN);
    printf("RESULT\tlibpq\t%s\t%zu\t%s\t%s\t%s\t%s\t%s\tNaN\t%s\n", NAMES[scenario], s->size, num(mean, b[0], 32),
           num(percentile(s->values, s->size, 50), b[1], 32), num(percentile(s->values, s->size, 90), b[2], 32),
           num(percentile(s->values, s->size, 99), b[3], 32), num(throughput, b[4], 32), num(cpu, b[5], 32));
    if (scenario == TRUST) {
        report(CLOSE);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: libpq-worker <pauseMs> key=value...\n");
        return 2;
    }
    pause_nanos = atol(argv[1]) * 1000000L;
    const char *host = arg(argc, argv, "host"), *db = arg(argc, argv, "database");
    const char *primary = arg(argc, argv, "primaryPort"), *standby = arg(argc, argv, "standbyPort");
    const char *refused = arg(argc, argv, "refusedPort"), *trust = arg(argc, argv, "trustUser");
    const char *scram = arg(argc, argv, "scramUser"), *password = arg(argc, argv, "scramPassword");
    const char *ca = arg(argc, argv, "caFile"), *query = arg(argc, argv, "queryPort");
    /* gssencmode=disable: libpq would otherwise probe for GSS encryption first (pgbench runs get PGGSSENCMODE=disable too) */
    const char *common = "gssencmode=disable";
    snprintf(conninfo[TRUST], sizeof conninfo[TRUST], "host=%s port=%s dbname=%s user=%s sslmode=disable %s", host, primary, db, trust, common);
    snprintf(conninfo[SCRAM], sizeof conninfo[SCRAM], "host=%s port=%s dbname=%s user=%s password=%s sslmode=disable %s", host, primary, db,
             scram, password, common);
    snprintf(conninfo[SCRAM_REQUIRE], sizeof conninfo[SCRAM_REQUIRE], "host=%s port=%s dbname=%s user=%s password=%s sslmode=require %s",
             host, primary, db, scram, password, common);
    snprintf(conninfo[SCRAM_VERIFY_FULL], sizeof conninfo[SCRAM_VERIFY_FULL],
             "host=%s port=%s dbname=%s user=%s password=%s sslmode=verify-full sslrootcert=%s %s", host, primary, db, scram, password, ca,
             common);
    snprintf(conninfo[FAILOVER_FIRST], sizeof conninfo[FAILOVER_FIRST],
             "host=%s,%s,%s port=%s,%s,%s dbname=%s user=%s sslmode=disable target_session_attrs=read-write %s", host, host, host, refused,
             standby, primary, db, trust, common);
    strcpy(conninfo[FAILOVER_REPEAT], conninfo[FAILOVER_FIRST]);
    strcpy(conninfo[FAILOVER_DIRECT], conninfo[TRUST]);
    strcpy(conninfo[SELECT_ONE], conninfo[TRUST]);
    snprintf(conninfo[COPY_IN], sizeof conninfo[COPY_IN], "host=%s port=%s dbname=%s user=%s sslmode=disable %s", host, query, db, trust,
             common);
    strcpy(conninfo[COPY_OUT], conninfo[COPY_IN]);
    build_copy_data();

    printf("SETTINGS\tlibpq\tlibpq %d (PQconnectdb, blocking; no host memory: failover first and repeat walk the same list;"
           " COPY_IN: PQputCopyData in %d-byte chunks of %zu bytes, PQputCopyEnd; COPY_OUT: PQgetCopyData, one row per call;"
           " allocation per row not measured: native)\n",
           PQlibVersion(), COPY_CHUNK, copy_length);
    printf("SUPPORTS\tTRUST,SCRAM,SCRAM_REQUIRE,SCRAM_VERIFY_FULL,FAILOVER_FIRST,FAILOVER_REPEAT,FAILOVER_DIRECT,SELECT_ONE,COPY_IN,COPY_OUT\n");
    printf("DONE\n");
    fflush(stdout);

    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strcmp(line, "QUIT") == 0) {
            break;
        }
        char command[32] = "", name[64] = "";
        long a = 0, b = 0;
        int fields = sscanf(line, "%31s %63s %ld %ld", command, name, &a, &b);
        int scenario = fields >= 2 ? scenario_of(name) : -1;
        if (scenario < 0) {
            printf("ERROR\tlibpq\t%s\tunknown command or scenario\n", line);
        } else if (strcmp(command, "WARMUP") == 0 || strcmp(command, "MEASURE") == 0) {
            int timed = command[0] == 'M';
            long max = timed ? b : 0x7fffffffL;
            if (scenario == SELECT_ONE) {
                select_one_loop(a, max, timed);
            } else if (scenario == COPY_IN || scenario == COPY_OUT) {
                copy_loop(scenario, a, max, timed);
            } else {
                connect_loop(scenario, a, max, timed);
            }
        } else if (strcmp(command, "REPORT") == 0) {
            report(scenario);
        } else {
            printf("ERROR\tlibpq\t%s\tunknown command\n", line);
        }
        printf("DONE\n");
        fflush(stdout);
    }
    return 0;
}
