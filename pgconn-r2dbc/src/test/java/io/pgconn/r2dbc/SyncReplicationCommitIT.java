package io.pgconn.r2dbc;

import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A COMMIT waiting for a synchronous standby that never confirms, its session terminated meanwhile
 * (pg_terminate_backend, a fast shutdown): PostgreSQL has committed locally already; it sends only a WARNING
 * (57P01, "The transaction has already committed locally, but might not have been replicated to the standby")
 * and closes the socket without a FATAL (whereToSendOutput = DestNone). The commit's outcome is reported as
 * unknown, never as the plain session end that reads "did not commit, retry".
 */
class SyncReplicationCommitIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-syncrep", 0).build();

    @Test
    void aCommitTerminatedWhileWaitingForASynchronousStandbyIsAnUnknownOutcomeThatCommittedLocally() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Flux.from(connection.createStatement("CREATE TABLE syncrep_t (v int)").execute())
                    .flatMap(r -> r.getRowsUpdated()).blockLast(STEP);
            PG.primary().execute("ALTER SYSTEM SET synchronous_standby_names = 'nosuch'");
            PG.primary().execute("SELECT pg_reload_conf()");
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            awaitCondition("the new setting to reach the session", STEP, () -> "nosuch".equals(
                    Flux.from(connection.createStatement("SHOW synchronous_standby_names").execute())
                            .flatMap(r -> r.map(row -> row.get(0, String.class))).blockLast(STEP)));
            Mono.from(connection.beginTransaction()).block(STEP);
            Flux.from(connection.createStatement("INSERT INTO syncrep_t VALUES (42)").execute())
                    .flatMap(r -> r.getRowsUpdated()).blockLast(STEP);
            CompletableFuture<Void> commit = Mono.from(connection.commitTransaction()).toFuture();
            awaitCondition("the COMMIT to wait for the synchronous standby", STEP, () -> "SyncRep".equals(
                    PG.primary().queryValue("SELECT coalesce(wait_event, '') FROM pg_stat_activity WHERE pid = " + pid)));
            PG.primary().execute("SELECT pg_terminate_backend(" + pid + ")");

            Throwable error = catchThrowable(() -> commit.get(STEP.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            Connection reader = Mono.from(factory.create()).block(STEP);
            assertThat(Flux.from(reader.createStatement("SELECT count(*) FROM syncrep_t WHERE v = 42").execute())
                    .flatMap(r -> r.map(row -> row.get(0, Long.class))).blockLast(STEP)).as("committed locally").isEqualTo(1L);
            Mono.from(reader.close()).block(STEP);
            assertThat(error).hasCauseInstanceOf(R2dbcNonTransientResourceException.class);
            assertThat(error.getCause()).hasCauseInstanceOf(PgCommitOutcomeUnknownException.class);
            Mono.from(connection.close()).block(STEP);
        } finally {
            PG.primary().execute("ALTER SYSTEM RESET synchronous_standby_names");
            PG.primary().execute("SELECT pg_reload_conf()");
        }
    }
}
