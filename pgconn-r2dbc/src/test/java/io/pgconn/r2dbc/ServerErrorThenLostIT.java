package io.pgconn.r2dbc;

import io.pgconn.PgFailedThenClosedException;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A statement the server failed with an ERROR (23505) whose ReadyForQuery was lost with the connection did not take
 * effect, and what happened to it is the server's error: {@code R2dbcDataIntegrityViolationException} with SQLSTATE
 * 23505 (Spring's {@code DuplicateKeyException}), its message saying the connection was then lost. Seen failing before
 * (docs/r2dbc.md §2): an {@code R2dbcTransientResourceException} without a SQLSTATE, the 23505 only in the cause's cause.
 */
class ServerErrorThenLostIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @Test
    void aStatementTheServerFailedBeforeTheConnectionWasLostIsTheServersError() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                switch (m.type()) {
                    case 'Q' -> c.send(Backend.message('C', Backend.cstring("SELECT 0")), Backend.message('Z', new byte[] {'I'}));
                    case 'H' -> c.send(Backend.message('1', new byte[0]), Backend.message('t', new byte[] {0, 0}),
                            Backend.message('n', new byte[0])); // the INSERT's Parse and Describe: no parameters, no rows
                    case 'S' -> {
                        // its Bind and Execute came: the server fails it, then the connection is lost before ReadyForQuery
                        c.send(Backend.message('2', new byte[0]),
                                Backend.poolerError("23505", "duplicate key value violates unique constraint \"t_pkey\""));
                        c.close();
                        return;
                    }
                    default -> { } // Parse, Describe, Bind, Execute: answered as a whole above
                }
            }
        });
             PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=")) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Throwable error = catchThrowable(() -> Mono.from(connection.createStatement("INSERT INTO t VALUES (1)").execute())
                    .flatMap(result -> Mono.from(result.getRowsUpdated())).block(STEP));
            assertThat(error).isExactlyInstanceOf(R2dbcDataIntegrityViolationException.class)
                    .hasMessageContaining("duplicate key value violates unique constraint")
                    .hasMessageContaining("; then the connection was lost: ").hasMessageContaining(server.label())
                    .hasMessageContaining("the server had failed the statement (SQLSTATE 23505) before the session ended, so it did not take effect")
                    .hasCauseInstanceOf(PgFailedThenClosedException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("23505");
            assertThat(ConnectionFactoryUtils.convertR2dbcException("INSERT", null, (R2dbcException) error))
                    .as("what Spring's DatabaseClient and repositories throw").isInstanceOf(DuplicateKeyException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }
}
