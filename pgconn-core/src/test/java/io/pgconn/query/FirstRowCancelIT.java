package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscriber that cancels once rows came ({@code Mono.from} after the first row, Spring's {@code first()}):
 * a statement that finishes by itself is read to its end and dropped, with no CancelRequest (NEW-USER-13 F9: a
 * new TCP connection and a forked process per read, 408 reads/s against 31,579); one that goes on is still
 * stopped on the server (docs/query.md §5, {@code DeferredCancel}).
 */
class FirstRowCancelIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void cancellingAfterTheFirstRowOfASmallResultSendsNoCancelRequestAndTheConnectionServesTheNextStatement() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(firstRowThenCancel(c, "SELECT g FROM generate_series(1, 3) g")).isEqualTo(1);
                // pipelined right behind the cancelled read, as the next borrower of a pooled connection would be
                assertThat(await(c.query("SELECT $1::int", i)).single(Integer.class)).isEqualTo(i);
            }
            assertThat(SessionAccess.cancelRequestsSent(c)).as("CancelRequests sent").isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingAfterTheFirstRowOfALongStreamStillStopsTheServer() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            // twenty million rows: far more than the bytes a cancel waits for before asking the server to stop
            assertThat(firstRowThenCancel(c, "SELECT g FROM generate_series(1, 20000000) g")).isEqualTo(1);
            Conditions.awaitCondition("a CancelRequest", Duration.ofSeconds(10), () -> SessionAccess.cancelRequestsSent(c) == 1);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT $1::int", 7)).single(Integer.class)).isEqualTo(7);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingAfterTheFirstRowOfAStatementThatGoesOnWorkingStopsItOnTheServer() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            // 199 rows (about 22 KB: the server flushes its 8 KB buffer as it fills), then a minute of work before the
            // last: far less than the bytes a cancel waits for, so only its time bound asks the server to stop
            assertThat(firstRowThenCancel(c, "SELECT g, repeat('x', 100), pg_sleep(CASE WHEN g = 200 THEN 60 ELSE 0 END) IS NULL"
                    + " FROM generate_series(1, 200) g")).isEqualTo(1);
            Conditions.awaitCondition("a CancelRequest", Duration.ofSeconds(10), () -> SessionAccess.cancelRequestsSent(c) == 1);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT $1::int", 8)).single(Integer.class)).isEqualTo(8);
        } finally {
            await(c.close());
        }
    }

    /** Subscribes to {@code sql}, cancels in the first row's {@code onNext} (as {@code Mono.from} does): that row's first value. */
    private static int firstRowThenCancel(PgConnection c, String sql) throws Exception {
        CompletableFuture<Integer> first = new CompletableFuture<>();
        c.statement(sql).execute().subscribe(new Flow.Subscriber<Segment>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Segment segment) {
                if (segment instanceof Row row) {
                    subscription.cancel();
                    first.complete(row.getInt(0));
                }
            }

            @Override
            public void onError(Throwable t) {
                first.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                first.completeExceptionally(new AssertionError("completed before its first row"));
            }
        });
        return first.get(30, TimeUnit.SECONDS);
    }
}
