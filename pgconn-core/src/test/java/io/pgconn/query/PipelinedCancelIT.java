package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a statement never fails the statement pipelined behind it (issue 13, M5):
 * PostgreSQL cancels whatever the backend runs when the CancelRequest arrives, so none is sent once
 * the server is done with the statement or when a later one was already written behind it.
 */
class PipelinedCancelIT {

    private static final int ROUNDS = 15;

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    /** Cancels its subscription on the first segment {@code cancelOn} accepts (R2DBC's take(1) / next() does this). */
    private static final class CancellingSubscriber implements Flow.Subscriber<Segment> {
        final CompletableFuture<Segment> cancelledOn = new CompletableFuture<>();
        private final Predicate<Segment> cancelOn;
        private Flow.Subscription subscription;

        CancellingSubscriber(Predicate<Segment> cancelOn) {
            this.cancelOn = cancelOn;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Segment segment) {
            if (!cancelledOn.isDone() && cancelOn.test(segment)) {
                subscription.cancel();
                cancelledOn.complete(segment);
            }
        }

        @Override
        public void onError(Throwable t) {
            cancelledOn.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            cancelledOn.completeExceptionally(new AssertionError("completed before the segment to cancel on"));
        }
    }

    @Test
    void cancellingAfterTheRowsOrTheCommandResultArrivedSparesTheStatementBehind() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Predicate<Segment> on = round % 2 == 0 ? s -> s instanceof Row : s -> s instanceof CommandResult;
                CancellingSubscriber first = new CancellingSubscriber(on);
                c.statement("SELECT 1 AS one").execute().subscribe(first);
                CompletableFuture<RowSet> behind = c.query("SELECT pg_sleep(0.2), $1::int AS n", round);
                await(first.cancelledOn);
                assertThat(await(behind).row(0).get("n", Integer.class)).as("round %s", round).isEqualTo(round);
            }
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingAStatementBeforeItsTurnSparesTheStatementBehindIt() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            for (int round = 0; round < 5; round++) {
                CompletableFuture<RowSet> ahead = c.query("SELECT pg_sleep(0.2)");
                TestSubscriber cancelled = new TestSubscriber(row -> { });
                c.statement("SELECT 2").execute().subscribe(cancelled);
                CompletableFuture<RowSet> behind = c.query("SELECT pg_sleep(0.3), $1::int AS n", round);
                cancelled.cancel(); // not yet the head: pre-fix, its CancelRequest went out once the one ahead finished
                await(ahead);
                assertThat(await(behind).row(0).get("n", Integer.class)).as("round %s", round).isEqualTo(round);
                assertThat(cancelled.done).isNotDone();
            }
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingTheLastStatementStillStopsTheServer() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            CompletableFuture<RowSet> ahead = c.query("SELECT pg_sleep(0.2)");
            CompletableFuture<RowSet> slow = c.query("SELECT pg_sleep(30)");
            slow.cancel(true);
            await(ahead);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            // submitted while the cancel may still be in flight: written only after it, so it is not hit
            assertThat(await(c.query("SELECT $1::int", 9)).single(Integer.class)).isEqualTo(9);
        } finally {
            await(c.close());
        }
    }
}
