package io.pgconn.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * user13's F7: a connection killed during a pipeline of autocommit inserts. Every statement that failed says whether
 * it may have been executed ({@link PgOutcomeUnknownException}: it had been sent and its answer was lost) or not (a
 * plain {@link PgClosedException} saying it was not sent, or did not take effect); the rows committed are at least
 * the statements that succeeded and at most those plus the unknown ones — no statement told it did not run committed
 * (docs/query.md §5). Before, all failed alike ("connection closed") while some had committed.
 */
class LostPipelineOutcomeIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static final int STATEMENTS = 20_000;
    private static final int KILL_AFTER = 3_000;
    /** Makes the pipeline larger than the sockets' buffers, so some of it is still in the client when the kill comes. */
    private static final String PAD = "x".repeat(1_000);

    @Test
    void pipelinedAutocommitInsertsOnAKilledConnectionSayWhetherTheyMayHaveCommitted() {
        PgConnection watcher = QueryCluster.connect(PG, FACTORY, "");
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(watcher.simpleQuery("CREATE TABLE lost_pipe (n int PRIMARY KEY, pad text)"));
            int pid = c.processId();
            List<CompletableFuture<RowSet>> inserts = new ArrayList<>(STATEMENTS);
            for (int i = 0; i < STATEMENTS; i++) {
                inserts.add(c.query("INSERT INTO lost_pipe VALUES ($1, $2)", i, PAD));
                if (i == KILL_AFTER) {
                    PG.primary().query("SELECT pg_terminate_backend(" + pid + ")");
                }
            }
            // every one ends (a completion, or the connection's end): wait for them all before looking
            await(CompletableFuture.allOf(inserts.stream().map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new)));
            Set<Integer> succeeded = new HashSet<>();
            Set<Integer> unknown = new HashSet<>();
            Set<Integer> didNotRun = new HashSet<>();
            for (int i = 0; i < STATEMENTS; i++) {
                CompletableFuture<RowSet> insert = inserts.get(i);
                if (!insert.isCompletedExceptionally() && await(insert).rowsAffected() == 1) {
                    succeeded.add(i);
                    continue;
                }
                Throwable error = failure(insert);
                assertThat(error).isInstanceOf(PgClosedException.class);
                if (error instanceof PgOutcomeUnknownException) {
                    assertThat(error).hasMessageContaining("the statement had been sent and its answer was lost, so it may have been executed");
                    unknown.add(i);
                } else {
                    // in flight at the end, or submitted after it (then a FATAL read first is in the message too):
                    // it says why it did not run
                    assertThat(error.getMessage()).containsAnyOf("the statement was not sent, so it did not run", "so it did not take effect");
                    didNotRun.add(i);
                }
            }
            Set<Integer> committed = new HashSet<>();
            await(watcher.query("SELECT n FROM lost_pipe")).forEach(row -> committed.add(row.get(0, Integer.class)));

            assertThat(didNotRun).as("most of the pipeline never left the client").isNotEmpty();
            assertThat(committed).as("every success committed").containsAll(succeeded);
            Set<Integer> mayHaveCommitted = new HashSet<>(succeeded);
            mayHaveCommitted.addAll(unknown);
            assertThat(mayHaveCommitted).as("no statement told it did not run committed (%d succeeded, %d unknown, %d did not run)",
                    succeeded.size(), unknown.size(), didNotRun.size()).containsAll(committed);
            assertThat(succeeded.size() + unknown.size() + didNotRun.size()).isEqualTo(STATEMENTS);
        } finally {
            await(c.close());
            await(watcher.close());
        }
    }
}
