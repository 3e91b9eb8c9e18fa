package io.pgconn.r2dbc;

import io.pgconn.PgClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * New user 19's F1: a {@code BEGIN} whose answer was lost (a primary crash with it on the wire) can have left nothing
 * that outlives its session, so it is transient — a retry on a new connection is safe — not the non-transient unknown
 * outcome ("check before repeating it") that no retry policy retries. {@code beginTransaction()}'s {@code BEGIN} rides
 * in the Sync group of the transaction's first statement (docs/r2dbc.md §3), so it is lost with that statement: the
 * statement fails as sent inside a transaction block, which ended with the session. Under Spring's
 * {@code R2dbcTransactionManager} that is the statement's {@code TransientDataAccessResourceException} (NEW-USER-26 F5:
 * it was a {@code CannotCreateTransactionException}, which Spring wraps every begin failure in and a retry policy on
 * transient exceptions does not retry), and the rollback completes quietly.
 */
class LostBeginIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @Test
    void aBeginLostWithTheFirstStatementFailsThatStatementAsTransient() {
        try (ScriptedServer server = closingOnBegin();
             PgConnR2dbcConnectionFactory factory = factory(server)) {
            PgConnR2dbcConnection connection = (PgConnR2dbcConnection) Mono.from(factory.create()).block(STEP);
            Mono.from(connection.beginTransaction()).block(STEP);
            assertThat(connection.isAutoCommit()).as("open from the call on").isFalse();
            Throwable error = catchThrowable(() -> Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(result -> result.getRowsUpdated()).blockLast(STEP));
            assertThat(error).isInstanceOf(R2dbcTransientResourceException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("so it did not") // run (a statement described first: its execution unsent), or take effect
                    .hasCauseExactlyInstanceOf(PgClosedException.class).cause().isNotInstanceOf(PgOutcomeUnknownException.class);
            Mono.from(connection.rollbackTransaction()).block(STEP);
            assertThat(connection.isAutoCommit()).as("no transaction open on the ended session").isTrue();
            Mono.from(connection.close()).block(STEP);
        }
    }

    @Test
    void underSpringsTransactionManagerItIsTheStatementsTransientFailure() {
        try (ScriptedServer server = closingOnBegin();
             PgConnR2dbcConnectionFactory factory = factory(server)) {
            TransactionalOperator transactional = TransactionalOperator.create(new R2dbcTransactionManager(factory));
            Mono<Long> read = DatabaseClient.create(factory).sql("SELECT 1").fetch().rowsUpdated();
            Throwable error = catchThrowable(() -> read.as(transactional::transactional).block(STEP));
            assertThat(error).as("what a retry filter on TransientDataAccessException retries (r2dbc.md §2)")
                    .isInstanceOf(TransientDataAccessResourceException.class)
                    .hasCauseInstanceOf(R2dbcTransientResourceException.class);
        }
    }

    /**
     * A server that logs in, answers the connection's own first query (its SHOW) without rows, and closes the socket on
     * the BEGIN — the Parse in front of the first statement (received, maybe run, the answer lost).
     */
    private static ScriptedServer closingOnBegin() {
        return ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                if (m.bodyText().contains("BEGIN")) {
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
