package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code pipeliningLimit=1} on a real server (the writes one at a time are PipeliningLimitIT's, against a scripted
 * pooler): statements submitted at once — extended protocol with its describe round trips, a batch, a transaction,
 * a simple query — are all answered, in order; an error fails only its statement; a statement that times out while
 * queued behind the limit does not run.
 */
class PipeliningLimitQueryIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void statementsSubmittedAtOnceAreAnsweredInOrderAndAnErrorFailsOnlyItsOwn() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "pipeliningLimit=1");
        try {
            List<CompletableFuture<RowSet>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(i == 5 ? c.query("SELECT 1/$1::int", 0) : c.query("SELECT $1::int AS v, pg_backend_pid() AS pid", i));
            }
            CompletableFuture<List<RowSet>> batch = c.statement("SELECT $1::int * 10").bind(0, 1).add().bind(0, 2).collect();
            CompletableFuture<Void> begin = c.begin();
            CompletableFuture<RowSet> inTransaction = c.query("SELECT txid_current_if_assigned() IS NULL");
            CompletableFuture<Void> commit = c.commit();
            CompletableFuture<?> simple = c.simpleQuery("SELECT 'simple'");
            for (int i = 0; i < 20; i++) {
                if (i == 5) {
                    Throwable error = catchThrowable(answers.get(i)::get);
                    assertThat(error).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PgServerException.class)
                            .hasMessageContaining("division by zero");
                } else {
                    assertThat(answers.get(i).get(10, TimeUnit.SECONDS).row(0).get("v", Integer.class)).isEqualTo(i);
                }
            }
            assertThat(batch.get(10, TimeUnit.SECONDS)).extracting(r -> r.single(Integer.class)).containsExactly(10, 20);
            begin.get(10, TimeUnit.SECONDS);
            assertThat(inTransaction.get(10, TimeUnit.SECONDS).row(0).get(0, Boolean.class)).isTrue();
            commit.get(10, TimeUnit.SECONDS);
            simple.get(10, TimeUnit.SECONDS);
            assertThat(c.query("SELECT 'still usable'").get(10, TimeUnit.SECONDS).single(String.class)).isEqualTo("still usable");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementThatTimesOutWhileQueuedBehindTheLimitDoesNotRun() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "pipeliningLimit=1");
        try {
            await(c.simpleQuery("CREATE TEMP TABLE queued_runs (n int)"));
            CompletableFuture<RowSet> slow = c.query("SELECT pg_sleep(0.5)");
            CompletableFuture<List<RowSet>> queued = c.statement("INSERT INTO queued_runs VALUES (1)").timeout(Duration.ofMillis(50)).collect();
            Throwable error = catchThrowable(() -> queued.get(10, TimeUnit.SECONDS));
            assertThat(error).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PgStatementTimeoutException.class);
            slow.get(10, TimeUnit.SECONDS);
            assertThat(c.query("SELECT count(*)::int FROM queued_runs").get(10, TimeUnit.SECONDS).single(Integer.class)).isZero();
        } finally {
            await(c.close());
        }
    }
}
