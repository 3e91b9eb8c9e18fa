package io.pgconn.r2dbc;

import io.pgconn.PgClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcTransientException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * New user 19's F1: a {@code BEGIN} whose answer was lost (a primary crash with it on the wire) can have left nothing
 * that outlives its session, so it is transient — a retry on a new connection is safe — not the non-transient unknown
 * outcome ("check before repeating it") that no retry policy retries. Under Spring's {@code R2dbcTransactionManager}
 * it is a {@code CannotCreateTransactionException} (Spring wraps every begin failure so) whose cause is the
 * transient R2DBC exception.
 */
class LostBeginIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @Test
    void aBeginWhoseAnswerWasLostIsTransient() {
        try (ScriptedServer server = closingOnBegin();
             PgConnR2dbcConnectionFactory factory = factory(server)) {
            PgConnR2dbcConnection connection = (PgConnR2dbcConnection) Mono.from(factory.create()).block(STEP);
            Throwable error = catchThrowable(() -> Mono.from(connection.beginTransaction()).block(STEP));
            assertThat(error).isInstanceOf(R2dbcTransientResourceException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("the statement could change only the session, which has ended")
                    .hasCauseExactlyInstanceOf(PgClosedException.class).cause().isNotInstanceOf(PgOutcomeUnknownException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }

    @Test
    void underSpringsTransactionManagerItIsACannotCreateTransactionWithATransientCause() {
        try (ScriptedServer server = closingOnBegin();
             PgConnR2dbcConnectionFactory factory = factory(server)) {
            TransactionalOperator transactional = TransactionalOperator.create(new R2dbcTransactionManager(factory));
            Throwable error = catchThrowable(() -> Mono.just(1).as(transactional::transactional).block(STEP));
            assertThat(error).isInstanceOf(CannotCreateTransactionException.class)
                    .as("what a retry filter reads: e.getCause() instanceof R2dbcTransientException (r2dbc.md §2)")
                    .hasCauseInstanceOf(R2dbcTransientException.class);
        }
    }

    /**
     * A server that logs in, answers the connection's own first query (its SHOW) without rows, and closes the socket on
     * the BEGIN (received, maybe run, the answer lost).
     */
    private static ScriptedServer closingOnBegin() {
        return ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                if (m.bodyText().startsWith("BEGIN")) {
                    c.close();
                    return;
                }
                c.send(Backend.message('C', Backend.cstring("SHOW")), Backend.message('Z', new byte[] {'I'}));
            }
        });
    }

    private static PgConnR2dbcConnectionFactory factory(ScriptedServer server) {
        return (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=");
    }
}
