package io.pgconn.bench;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.r2dbc.PgConnPoolEviction;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgCluster;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import io.pgconn.testkit.StopMode;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.MultiHostConnectionStrategy;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Issue 14's failover-under-application-load test as a program, for pgconn-r2dbc and for its anchor
 * r2dbc-postgresql, each on a fresh testkit cluster (PostgreSQL 18 primary + 1 hot standby, a SCRAM
 * user owning its database), both through r2dbc-pool with the same settings: 50 request loops (an
 * INSERT then a SELECT on one pooled connection, 10 s timeout each) run while the primary crashes
 * (immediate stop) and the standby is promoted, then while the old primary comes back as a
 * read-only server ({@code default_transaction_read_only=on}). pgconn's own IT
 * (pgconn-r2dbc FailoverUnderLoadIT) asserts the same scenario; this program measures it for both
 * drivers and prints one table row each: requests, failed, failed although started after the
 * promotion, 25006 (statement on a read-only server), hangs (requests past their timeout), and the
 * recovery time (first successful request ending after the promotion finished, minus that moment).
 *
 * <p>{@code FailoverUnderLoad [pgconn-r2dbc] [r2dbc-postgresql] [r2dbc-postgresql-recheck-10s] [--repeat N] [--results FILE]}
 * (default: the first two; with --repeat the drivers take turns, one row per run),
 * with the benchmark module's class path (see the module README).
 */
public final class FailoverUnderLoad {

    static final String PGCONN = "pgconn-r2dbc";
    static final String R2DBC = "r2dbc-postgresql";
    /** r2dbc-postgresql with its default host status memory (hostRecheckTime 10 s) instead of the shortest. */
    static final String R2DBC_DEFAULTS = "r2dbc-postgresql-recheck-10s";

    private static final int LOOPS = 50;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofSeconds(60);
    /** Pool: the same for both drivers (as in FailoverUnderLoadIT): connections live 1 s, so connects go on all along. */
    private static final int POOL_MAX = 10;
    private static final Duration MAX_IDLE = Duration.ofMinutes(5);
    private static final Duration MAX_LIFE = Duration.ofSeconds(1);
    /** --switchover: pooled connections live long (as r2dbc-pool's default, no limit), so they outlive the demotion. */
    private static final Duration SWITCHOVER_MAX_LIFE = Duration.ofMinutes(30);
    private static final Duration MAX_ACQUIRE = Duration.ofSeconds(5);
    /** After the old primary is back read-only: run this long (many pool turnovers, each connect meeting it first). */
    private static final Duration READ_ONLY_PHASE = Duration.ofSeconds(5);

    private static final String USER = "failover_app";
    // a benchmark-only secret of a throwaway server
    private static final String PASSWORD = "failover-s3cret";
    private static final String DATABASE = "failover_app";

    private FailoverUnderLoad() {
    }

    /**
     * The run's outcomes, counted as requests end (not kept one by one: a driver that keeps failing fast, as on a
     * read-only server, ends millions of requests). Times are {@link System#nanoTime()}; MAX_VALUE: not yet.
     */
    private static final class Tally {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong successes = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong failedStartedAfterPromotion = new AtomicLong();
        final AtomicLong readOnly25006 = new AtomicLong();
        final AtomicLong hangs = new AtomicLong();
        final AtomicLong failedAfterBack = new AtomicLong();
        final AtomicLong stoppedAt = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong promotedAt = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong backAt = new AtomicLong(Long.MAX_VALUE);
        /** End of the first success ending after the promotion finished. */
        final AtomicLong firstSuccessAfterPromotion = new AtomicLong(Long.MAX_VALUE);
        /** End of the first success of a request started after the old primary was stopped (or demoted). */
        final AtomicLong firstSuccessStartedAfterStop = new AtomicLong(Long.MAX_VALUE);
        final Map<String, java.util.concurrent.atomic.LongAdder> kinds = new java.util.concurrent.ConcurrentHashMap<>();

        void success(long started, long ended) {
            requests.incrementAndGet();
            successes.incrementAndGet();
            if (ended > promotedAt.get()) {
                firstSuccessAfterPromotion.accumulateAndGet(ended, Math::min);
            }
            if (started > stoppedAt.get()) {
                firstSuccessStartedAfterStop.accumulateAndGet(ended, Math::min);
            }
        }

        void failure(long started, Throwable error) {
            requests.incrementAndGet();
            failed.incrementAndGet();
            if (started > promotedAt.get()) {
                failedStartedAfterPromotion.incrementAndGet();
            }
            if (started > backAt.get()) {
                failedAfterBack.incrementAndGet();
            }
            if (error instanceof R2dbcException r && "25006".equals(r.getSqlState())) {
                readOnly25006.incrementAndGet();
            }
            if (error instanceof TimeoutException) {
                hangs.incrementAndGet();
            }
            kinds.computeIfAbsent(kind(error), k -> new java.util.concurrent.atomic.LongAdder()).increment();
        }
    }

    /** One driver's run. */
    record Row(String client, long requests, long failed, long failedStartedAfterPromotion, long readOnly25006, long hangs,
               double promotionMs, double outageMs, double recoveryMs, long failedAfterOldPrimaryBack, String notes,
               Map<String, Long> errorKinds) {
    }

    public static void main(String[] args) throws Exception {
        List<String> clients = new ArrayList<>();
        Path results = null;
        int repeat = 1;
        boolean switchover = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--results" -> results = Path.of(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--switchover" -> switchover = true;
                case PGCONN, R2DBC, R2DBC_DEFAULTS -> clients.add(args[i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (expected " + PGCONN + ", " + R2DBC
                        + ", " + R2DBC_DEFAULTS + ", --repeat N, --results FILE)");
            }
        }
        if (clients.isEmpty()) {
            clients = List.of(PGCONN, R2DBC);
        }
        List<Row> rows = new ArrayList<>();
        // the drivers take turns, so a change of machine load hits each alike
        for (int round = 1; round <= repeat; round++) {
            for (String client : clients) {
                System.err.println("== " + client + " run " + round + " (load " + BenchMain.loadAverage() + ")");
                rows.add(run(client, switchover));
            }
        }
        String table = (switchover ? "Switchover (the primary demoted to read-only without a crash, pooled connections living 30 min):\n\n"
                : "Failover (the primary crashed, pooled connections living 1 s):\n\n") + table(rows);
        System.out.println(table);
        if (results != null) {
            Files.writeString(results, table);
        }
        System.exit(0); // reactor-netty's and pgconn's loops are not all daemon threads
    }

    /**
     * One run. {@code switchover}: instead of crashing, the primary is made read-only
     * ({@code default_transaction_read_only=on}, reloaded: its sessions stay open) just before the standby is promoted,
     * and pooled connections live 30 min: the case where a pool keeps handing out connections to the old primary.
     */
    static Row run(String client, boolean switchover) throws IOException {
        Duration maxLife = switchover ? SWITCHOVER_MAX_LIFE : MAX_LIFE;
        try (PgCluster cluster = PgCluster.builder().name("failover-load").majorVersion(18).standbys(1)
                .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .initSql("CREATE DATABASE " + DATABASE + " OWNER " + USER).start()) {
            PgServer primary = cluster.primary();
            PgServer standby = cluster.standby(0);
            createTable(primary);
            primary.execute("SELECT pg_switch_wal()");

            PgConnectionFactory[] core = new PgConnectionFactory[1];
            ConnectionFactory factory = factory(client, primary, standby, core);
            ConnectionPoolConfiguration.Builder config = ConnectionPoolConfiguration.builder(factory)
                    .initialSize(0).maxSize(POOL_MAX).maxIdleTime(MAX_IDLE).maxLifeTime(maxLife)
                    .maxAcquireTime(MAX_ACQUIRE).validationDepth(ValidationDepth.LOCAL);
            if (client.equals(PGCONN)) {
                PgConnPoolEviction.apply(config, MAX_IDLE, maxLife); // pgconn-r2dbc's documented pool setup (the starter's)
            }
            ConnectionPool pool = new ConnectionPool(config.build());
            Tally tally = new Tally();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> notes = new ArrayList<>();
            Disposable load = Flux.range(0, LOOPS)
                    .flatMap(loop -> Mono.defer(() -> request(pool, loop, tally)).repeat(() -> !stop.get()), LOOPS)
                    .subscribe();
            try {
                await(notes, "the load to run on the primary", () -> tally.successes.get() >= 200);
                if (switchover) {
                    primary.setConfig("default_transaction_read_only", "on");
                } else {
                    primary.stop(StopMode.IMMEDIATE);
                }
                tally.stoppedAt.set(System.nanoTime());
                standby.promote();
                tally.promotedAt.set(System.nanoTime());
                long before = tally.successes.get();
                if (!await(notes, "200 requests to succeed on the new primary", () -> tally.successes.get() >= before + 200)) {
                    notes.add("never recovered within " + STEP.toSeconds() + " s");
                }
                if (!switchover) {
                    primary.setConfig("default_transaction_read_only", "on");
                    primary.start();
                }
                tally.backAt.set(System.nanoTime());
                long restarted = tally.successes.get();
                long until = System.nanoTime() + READ_ONLY_PHASE.toNanos();
                await(notes, "400 requests and " + READ_ONLY_PHASE.toSeconds() + " s with the old primary back read-only",
                        () -> tally.successes.get() >= restarted + 400 && System.nanoTime() >= until);
            } finally {
                stop.set(true);
                load.dispose();
            }
            await(notes, "every request loop to stop", () -> pool.getMetrics().orElseThrow().acquiredSize() == 0);
            pool.disposeLater().block(STEP);
            if (core[0] != null) {
                notes.add("old primary at the end: " + core[0].hostStatuses().get(0));
                core[0].close();
            }
            return row(client, tally, notes);
        }
    }

    /** The IT's table, owned by the application's user in its database (created through pgjdbc as that user). */
    private static void createTable(PgServer primary) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primary.port() + "/" + DATABASE
                + "?sslmode=disable", USER, PASSWORD); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE load_events (id BIGSERIAL PRIMARY KEY, loop_id INT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create load_events", e);
        }
    }

    private static ConnectionFactory factory(String client, PgServer primary, PgServer standby, PgConnectionFactory[] core) {
        if (client.equals(PGCONN)) {
            // as FailoverUnderLoadIT: no host memory, so every connect walks the hosts in order
            ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + primary.port() + "," + standby.port()
                    + " dbname=" + DATABASE + " user=" + USER + " password=" + PASSWORD
                    + " sslmode=disable extensionTypes='' target_session_attrs=read-write connectTimeout=2s hostConnectTimeout=1s"
                    + " hostRecheckInterval=0", EnvironmentSource.of(Map.of()));
            core[0] = PgConnectionFactory.create(config);
            return PgConnR2dbcConnectionFactory.of(core[0]);
        }
        // the anchor: targetServerType PRIMARY (r2dbc-postgresql checks transaction_read_only); host status kept 1 ms (as good as
        // none, like pgconn's hostRecheckInterval=0) or, for R2DBC_DEFAULTS, its default 10 s
        return new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .addHost("127.0.0.1", primary.port()).addHost("127.0.0.1", standby.port())
                .targetServerType(MultiHostConnectionStrategy.TargetServerType.PRIMARY)
                .hostRecheckTime(client.equals(R2DBC_DEFAULTS) ? Duration.ofSeconds(10) : Duration.ofMillis(1))
                .connectTimeout(Duration.ofSeconds(1))
                .database(DATABASE).username(USER).password(PASSWORD).sslMode(SSLMode.DISABLE).build());
    }

    private static Mono<Void> request(ConnectionPool pool, int loop, Tally tally) {
        long started = System.nanoTime();
        Mono<Long> work = Mono.usingWhen(pool.create(),
                connection -> write(connection, loop).then(read(connection, loop)),
                Connection::close, (connection, error) -> connection.close(), Connection::close);
        return work.timeout(REQUEST_TIMEOUT)
                .doOnSuccess(ignored -> tally.success(started, System.nanoTime()))
                .doOnError(error -> tally.failure(started, error))
                .onErrorResume(error -> Mono.empty())
                .then();
    }

    private static Mono<Long> write(Connection connection, int loop) {
        return Flux.from(connection.createStatement("INSERT INTO load_events (loop_id) VALUES ($1)").bind(0, loop).execute())
                .flatMap(result -> result.getRowsUpdated()).then(Mono.just(1L));
    }

    private static Mono<Long> read(Connection connection, int loop) {
        return Flux.from(connection.createStatement("SELECT count(*) FROM load_events WHERE loop_id = $1").bind(0, loop).execute())
                .flatMap(result -> result.map((row, meta) -> row.get(0, Long.class))).last();
    }

    /** Waits for {@code condition} up to {@link #STEP}; on time-out notes it and answers false (the run goes on). */
    private static boolean await(List<String> notes, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                notes.add("timed out waiting for " + what);
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        return true;
    }

    private static Row row(String client, Tally t, List<String> notes) {
        Map<String, Long> kinds = new TreeMap<>();
        t.kinds.forEach((k, n) -> kinds.put(k, n.sum()));
        long stopped = t.stoppedAt.get();
        long promoted = t.promotedAt.get();
        return new Row(client, t.requests.get(), t.failed.get(), t.failedStartedAfterPromotion.get(), t.readOnly25006.get(), t.hangs.get(),
                (promoted - stopped) / 1e6,
                t.firstSuccessStartedAfterStop.get() == Long.MAX_VALUE ? Double.NaN : (t.firstSuccessStartedAfterStop.get() - stopped) / 1e6,
                t.firstSuccessAfterPromotion.get() == Long.MAX_VALUE ? Double.NaN : (t.firstSuccessAfterPromotion.get() - promoted) / 1e6,
                t.failedAfterBack.get(), String.join("; ", notes), kinds);
    }

    /** An error's class and SQLSTATE and the start of its message (no parameters are in these statements' messages). */
    private static String kind(Throwable e) {
        String state = e instanceof R2dbcException r && r.getSqlState() != null ? " [" + r.getSqlState() + "]" : "";
        String message = String.valueOf(e.getMessage()).replaceAll("[0-9]{4,}", "N").replace('|', '/');
        return e.getClass().getSimpleName() + state + ": " + (message.length() > 100 ? message.substring(0, 100) + "…" : message);
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| client | requests | failed | failed, started after the promotion | 25006 (read-only server) | hangs (> ")
                .append(REQUEST_TIMEOUT.toSeconds()).append(" s) | promotion took, ms | no success: from the crash to the first success of a")
                .append(" request started after it, ms | recovery: first success after the promotion finished, ms |")
                .append(" failed, started after the old primary came back read-only |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.client()).append(" | ").append(r.requests()).append(" | ").append(r.failed()).append(" | ")
                    .append(r.failedStartedAfterPromotion()).append(" | ").append(r.readOnly25006()).append(" | ").append(r.hangs())
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", r.promotionMs()))
                    .append(" | ").append(Double.isNaN(r.outageMs()) ? "never" : String.format(Locale.ROOT, "%.0f", r.outageMs()))
                    .append(" | ").append(Double.isNaN(r.recoveryMs()) ? "never" : String.format(Locale.ROOT, "%.1f", r.recoveryMs()))
                    .append(" | ").append(r.failedAfterOldPrimaryBack()).append(" |\n");
        }
        sb.append('\n');
        for (Row r : rows) {
            sb.append("- **").append(r.client()).append("** errors: ");
            if (r.errorKinds().isEmpty()) {
                sb.append("none");
            }
            List<String> parts = new ArrayList<>();
            r.errorKinds().forEach((k, n) -> parts.add(n + " × `" + k + "`"));
            sb.append(String.join("; ", parts));
            if (!r.notes().isEmpty()) {
                sb.append(". Notes: ").append(r.notes());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
