package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.LogRecord;

import static io.pgconn.r2dbc.PoolLeaseChecks.captureWarnings;
import static io.pgconn.r2dbc.PoolLeaseChecks.selectOne;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection whose borrower cancelled its acquire after the connection came, and then left it unused and unclosed —
 * as Spring's {@code R2dbcTransactionManager} does when a unit is cancelled while its transaction begins
 * (spring-framework#36344, NEW-USER-27 F0) — is taken back by {@link PgConnPools}' pool once it went the
 * abandoned-lease timeout (default 5 s) without a call or an operation after its cancel, no statement of its own and
 * without work under way: rolled back, lent again, and the old lease's calls fail. The test keeps a strong reference to the lease throughout, so no garbage collection can be
 * what gave the session back (before, only the lease's Cleaner did, at a collection that found it unreachable: with
 * the lease held, never). A borrower that cancels its acquire and goes on using the connection keeps it, also across
 * a pause longer than the timeout. The pool has one session, so a lost slot shows as a borrower not served.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolAbandonedLeaseIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    /** A transaction definition with a lock wait timeout only, as Spring makes of {@code @Transactional(timeout = 5)}. */
    private static final TransactionDefinition LOCK_WAIT_TIMEOUT_5S = new TransactionDefinition() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T getAttribute(Option<T> option) {
            return option.equals(TransactionDefinition.LOCK_WAIT_TIMEOUT) ? (T) Duration.ofSeconds(5) : null;
        }
    };

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-abandoned-lease", 0).build();

    private PgConnectionFactory core;
    private PgConnConnectionPool pool;

    @BeforeEach
    void openPool() {
        core = PoolLeaseChecks.coreFactory(PG);
        pool = PgConnPools.over(core).initialSize(0).maxSize(1).maxAcquireTime(STEP).build();
        PoolLeaseChecks.emptyTable(pool, "abandoned_lease", STEP);
    }

    @AfterEach
    void closePool() {
        PoolLeaseChecks.dispose(pool, core, STEP);
    }

    @Test
    void aLeaseLetGoOfInItsTransactionAfterACancelledAcquireIsTakenBackRolledBackAndLentAgain() {
        // Spring's begin, inside the delivery: isAutoCommit(), then beginTransaction with a lock wait timeout (what
        // @Transactional(timeout) becomes), whose set_config carries the BEGIN — and nothing after it
        AtomicReference<Subscription> acquire = new AtomicReference<>();
        Connection abandoned = lent(acquire, connection -> {
            connection.isAutoCommit();
            Mono.from(connection.beginTransaction(LOCK_WAIT_TIMEOUT_5S)).subscribe();
        });
        awaitCondition("the borrower's transaction open on the server", STEP, () -> "1".equals(PG.primary().queryValue(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + R2dbcTestServer.USER + "' AND state = 'idle in transaction'")));

        List<LogRecord> warnings = captureWarnings(() -> {
            acquire.get().cancel(); // Spring's chain, cancelled while its transaction began: it never closes the connection
            PoolMetrics metrics = pool.getMetrics().orElseThrow();
            awaitCondition("the abandoned session back in the pool, the lease still held (no GC can free it)", STEP,
                    () -> metrics.acquiredSize() == 0 && metrics.idleSize() == 1);
        });

        assertThat(warnings).as("the take-back is told, once, naming the known cause").singleElement()
                .satisfies(r -> assertThat(r.getMessage()).contains("taken back").contains("spring-framework#36344")
                        .doesNotContain("abandoned_lease"));
        assertThat(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + R2dbcTestServer.USER
                + "' AND state LIKE 'idle in transaction%'")).as("sessions left in a transaction").isEqualTo("0");
        assertThatThrownBy(() -> abandoned.createStatement("SELECT 1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("taken back by its pool");
        assertThat(Mono.from(abandoned.rollbackTransaction()).block(STEP)).as("a rollback of it has nothing left to do").isNull();

        Connection next = Mono.from(pool.create()).block(STEP);
        assertThat(next.isAutoCommit()).as("the next borrower is not lent the transaction").isTrue();
        assertThat(selectOne(next, STEP)).isEqualTo(1);
        Mono.from(next.close()).block(STEP);
        assertThat(Mono.from(abandoned.close()).block(STEP)).as("a late close of the taken-back lease releases nothing again").isNull();
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        assertThat(metrics.acquiredSize()).isZero();
        assertThat(metrics.idleSize()).isEqualTo(1);
    }

    /**
     * A question about what is under the lease that finds nothing ({@code unwrap(Class)} of a {@code Scheduler} or an
     * {@code Executor}, as r2dbc-pool asks the connections it lends) hands nothing out, so the lease stays watched and is
     * taken back. With Wrapped's default {@code unwrap(Class)}, which calls {@code unwrap()} first, it counted as handing
     * the session out: that lease was never taken back (session 31); so did {@code PgConnUnwrap.sessionHost} (session 33).
     * What it does find is handed out, as by {@code unwrap()}.
     */
    @Test
    void aQuestionAnsweredNullOnTheLeaseKeepsItsWatch() {
        AtomicReference<Subscription> acquire = new AtomicReference<>();
        Connection abandoned = lent(acquire, connection -> {
            assertThat(((Wrapped<?>) connection).unwrap(Scheduler.class)).isNull();
            assertThat(((Wrapped<?>) connection).unwrap(Executor.class)).isNull();
            assertThat(((Wrapped<?>) connection).unwrap(Connection.class)).as("the lease itself").isSameAs(connection);
            // where the session is, read without lending it (r2dbc.md §4: no use): it ended the watch (REVIEW R33-4)
            assertThat(PgConnUnwrap.sessionHost(connection)).hasValueSatisfying(host -> assertThat(host.label()).isNotBlank());
        });
        acquire.get().cancel();
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        awaitCondition("the lease taken back after the abandoned-lease timeout, the lease still held", STEP,
                () -> metrics.acquiredSize() == 0 && metrics.idleSize() == 1);
        assertThatThrownBy(() -> abandoned.createStatement("SELECT 1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("taken back by its pool");

        Connection kept = lent(acquire, connection ->
                assertThat(((Wrapped<?>) connection).unwrap(PgConnection.class)).as("the session, handed out").isNotNull());
        acquire.get().cancel();
        assertThat(((PoolLeasedConnection) kept).watched()).as("a lease that handed its session out is never watched").isFalse();
        assertThat(selectOne(kept, STEP)).isEqualTo(1);
        Mono.from(kept.close()).block(STEP);
    }

    @Test
    void aBorrowerThatCancelsItsAcquireAndGoesOnUsingTheConnectionKeepsItWhateverItsPauses() {
        // next() cancels the acquire once the connection came, as take(1), awaitFirst() and jOOQ's transactions do; the
        // borrower's calls after it end the watch: a statement made now and run after a pause longer than the timeout
        // (here a 7-s statement on the same connection) still runs on this borrower's session, in its transaction
        Connection taken = Flux.from(pool.create()).next().block(STEP);
        Mono.from(taken.beginTransaction()).block(STEP);
        Publisher<? extends Result> late = taken.createStatement("INSERT INTO abandoned_lease VALUES (2)").execute();
        Integer slept = Flux.from(taken.createStatement("SELECT 1 FROM pg_sleep(7)").execute())
                .flatMap(result -> result.map(row -> row.get(0, Integer.class))).blockLast(STEP);
        assertThat(slept).isEqualTo(1);
        assertThat(Flux.from(late).flatMap(Result::getRowsUpdated).blockLast(STEP)).isEqualTo(1L);
        assertThat(captureWarnings(() -> {
            Mono.from(taken.commitTransaction()).block(STEP);
            Mono.from(taken.close()).block(STEP);
        })).as("a borrower that closes is no leak").isEmpty();
        assertThat(PG.primary().queryValue(R2dbcTestServer.DATABASE, "SELECT count(*) FROM abandoned_lease")).as("its transaction committed").isEqualTo("1");
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        awaitCondition("the session idle after the borrower's close", STEP, () -> metrics.acquiredSize() == 0 && metrics.idleSize() == 1);
    }

    @Test
    void whatABorrowerMadeBeforeItsConnectionWentBackFailsInsteadOfReachingTheNextBorrowersSession() {
        // REVIEW-28 R28-2: a statement and a commit made while the connection was delivered (as Spring's begin makes its
        // calls), the acquire cancelled, the lease taken back and the session lent to the next borrower, who opens a
        // transaction: the old statement and commit, subscribed now, must not run inside it
        AtomicReference<Subscription> acquire = new AtomicReference<>();
        AtomicReference<Publisher<? extends Result>> lateInsert = new AtomicReference<>();
        AtomicReference<Publisher<Void>> lateCommit = new AtomicReference<>();
        Connection abandoned = lent(acquire, connection -> {
            lateInsert.set(connection.createStatement("INSERT INTO abandoned_lease VALUES (3)").execute());
            lateCommit.set(connection.commitTransaction());
        });
        acquire.get().cancel();
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        awaitCondition("the abandoned session back in the pool", STEP, () -> metrics.acquiredSize() == 0 && metrics.idleSize() == 1);

        Connection next = Mono.from(pool.create()).block(STEP);
        Mono.from(next.beginTransaction()).block(STEP);
        run(next, "INSERT INTO abandoned_lease VALUES (4)");
        assertThatThrownBy(() -> Flux.from(lateInsert.get()).flatMap(Result::getRowsUpdated).blockLast(STEP))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("went back to its pool");
        assertThatThrownBy(() -> Mono.from(lateCommit.get()).block(STEP))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("went back to its pool");
        Mono.from(next.rollbackTransaction()).block(STEP);
        assertThat(PG.primary().queryValue(R2dbcTestServer.DATABASE, "SELECT count(*) FROM abandoned_lease"))
                .as("neither the old borrower's insert nor its commit reached the next borrower's transaction").isEqualTo("0");

        // the same fence after a plain close(): a statement made before it fails instead of running on the session
        Statement afterClose = next.createStatement("INSERT INTO abandoned_lease VALUES (5)");
        Mono.from(next.close()).block(STEP);
        assertThatThrownBy(() -> Flux.from(afterClose.execute()).flatMap(Result::getRowsUpdated).blockLast(STEP))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("went back to its pool");
        assertThat(PG.primary().queryValue(R2dbcTestServer.DATABASE, "SELECT count(*) FROM abandoned_lease")).isEqualTo("0");
    }

    /** {@link PoolLeaseChecks#lent} of this test's pool. */
    private Connection lent(AtomicReference<Subscription> acquire, Consumer<Connection> inDelivery) {
        return PoolLeaseChecks.lent(pool, acquire, inDelivery, STEP);
    }

    private static void run(Connection connection, String sql) {
        PoolLeaseChecks.run(connection, sql, STEP);
    }
}
