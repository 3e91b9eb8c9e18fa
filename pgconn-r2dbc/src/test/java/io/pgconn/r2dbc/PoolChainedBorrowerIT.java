package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-28 R28-6: borrowers whose whole chain is assembled while the connection is delivered — {@code Flux.usingWhen}
 * over {@code Flux.from(create())} (it subscribes its closure inside the delivery, then cancels the acquire) and
 * {@code take(1).flatMap(...)} — make every call on the connection inside the delivery; later steps only subscribe
 * publishers made then. The abandoned-lease watch must not take such a borrower's connection back across a think
 * time longer than its timeout: its transaction commits both rows. With the watch of session 28 (calls only), the
 * second statement failed "taken back"/"went back to its pool" and the first row was rolled back. REVIEW-29 R29-7: a
 * borrower that hops threads inside the delivery ({@code take(1).publishOn(x).flatMap(...)}) and begins there, before
 * the delivering thread returned, keeps its transaction too; counted by time, its begin passed for part of the
 * delivery and the think time took the lease back.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolChainedBorrowerIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    /** The pool's abandoned-lease timeout: small, to keep the test short. */
    private static final Duration ABANDONED = Duration.ofMillis(200);
    /** The borrower's think time between its two statements: several looks of the watch. */
    private static final Duration THINK = ABANDONED.multipliedBy(5);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-chained-borrower", 0).build();

    private PgConnectionFactory core;
    private PgConnConnectionPool pool;

    @BeforeEach
    void openPool() {
        core = PoolLeaseChecks.coreFactory(PG);
        pool = PgConnPools.over(core).initialSize(0).maxSize(1).maxAcquireTime(STEP).abandonedLeaseTimeout(ABANDONED).build();
        PoolLeaseChecks.emptyTable(pool, "chained", STEP);
    }

    @AfterEach
    void closePool() {
        PoolLeaseChecks.dispose(pool, core, STEP);
    }

    /** begin, INSERT first, think, INSERT second, commit — every publisher made now, while the chain is assembled. */
    private static Mono<Void> transactionWithThinkTime(Connection c, int first, int second) {
        return Mono.from(c.beginTransaction())
                .thenMany(c.createStatement("INSERT INTO chained VALUES (" + first + ")").execute()).flatMap(Result::getRowsUpdated)
                .then(Mono.delay(THINK))
                .thenMany(c.createStatement("INSERT INTO chained VALUES (" + second + ")").execute()).flatMap(Result::getRowsUpdated)
                .then(Mono.from(c.commitTransaction()));
    }

    @Test
    void aUsingWhenBorrowerAssembledInTheDeliveryKeepsItsTransactionAcrossAThinkTimeLongerThanTheTimeout() {
        StepVerifier.create(Flux.usingWhen(Flux.from(pool.create()), c -> transactionWithThinkTime(c, 1, 2), Connection::close))
                .expectComplete().verify(STEP);
        assertThat(rows()).as("both rows committed").isEqualTo("2");
        idleAgain();
    }

    @Test
    void aTakeOneBorrowerAssembledInTheDeliveryKeepsItsTransactionAcrossAThinkTimeLongerThanTheTimeout() {
        StepVerifier.create(Flux.from(pool.create()).take(1)
                        .flatMap(c -> transactionWithThinkTime(c, 3, 4).then(Mono.from(c.close()))))
                .expectComplete().verify(STEP);
        assertThat(rows()).as("both rows committed").isEqualTo("2");
        idleAgain();
    }

    @Test
    void aBorrowerThatBeganOnAnotherThreadInsideTheDeliveryKeepsItsTransactionAcrossTheWatchsLook() {
        // take(1).publishOn(x).flatMap(c -> begin, think, INSERT, commit): x makes and subscribes the begin while the
        // delivering thread is still in onNext, then take(1) cancels the acquire there — here in that order, each step
        // waited for, so no race decides it
        AtomicReference<Subscription> acquire = new AtomicReference<>();
        Connection c = PoolLeaseChecks.lent(pool, acquire, connection -> {
            CompletableFuture.runAsync(() -> Mono.from(connection.beginTransaction()).block(STEP)).join(); // on x
            acquire.get().cancel(); // take(1), after its downstream's onNext
        }, STEP);
        PoolLeasedConnection lease = (PoolLeasedConnection) c;
        awaitCondition("the watch's first look (after the abandoned-lease timeout)", STEP, () -> !lease.watched());
        Flux.from(c.createStatement("INSERT INTO chained VALUES (5)").execute()).flatMap(Result::getRowsUpdated).blockLast(STEP);
        Mono.from(c.commitTransaction()).block(STEP);
        Mono.from(c.close()).block(STEP);
        assertThat(rows()).as("the row committed: the lease was not taken back").isEqualTo("1");
        idleAgain();
    }

    private static String rows() {
        return PG.primary().queryValue(R2dbcTestServer.DATABASE, "SELECT count(*) FROM chained");
    }

    private void idleAgain() {
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        awaitCondition("the session idle after the borrower's close", STEP, () -> metrics.acquiredSize() == 0 && metrics.idleSize() == 1);
    }
}
