package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A session the server terminates: its next statement fails at once (no hang) and validate(LOCAL) turns false. */
class TerminatedSessionIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-terminated", 0).build();

    @Test
    void aTerminatedSessionFailsItsNextStatementAndLocalValidation() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            PG.primary().execute("SELECT pg_terminate_backend(" + pid + ")");
            awaitCondition("the client to see the session closed", STEP,
                    () -> !Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP));
            assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(r -> r.getRowsUpdated()).blockLast(STEP))
                    .isInstanceOf(R2dbcException.class);
            Mono.from(connection.close()).block(STEP);
            assertThat(factory.pgConnectionFactory().openConnections()).isZero();
        }
    }

    @org.junit.jupiter.api.RepeatedTest(10) // a race between the termination and the next statement: tried a few times
    void aStatementSentRightAfterTheTerminationFailsInsteadOfHanging() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            PG.primary().execute("SELECT pg_terminate_backend(" + pid + ")");
            assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(r -> r.getRowsUpdated()).blockLast(STEP))
                    .isInstanceOf(R2dbcException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }
}
