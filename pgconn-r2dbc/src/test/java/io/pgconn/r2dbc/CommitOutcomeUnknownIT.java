package io.pgconn.r2dbc;

import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * REVIEW-8 F3: a COMMIT whose answer never arrives (the session ended after the server received it: it
 * may have committed) was an {@code R2dbcTransientResourceException} — Spring's
 * {@code TransientDataAccessResourceException}, which retry policies retry — so the transaction's work
 * could be applied twice. Its outcome is unknown: a non-transient resource failure that says so.
 */
class CommitOutcomeUnknownIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @Test
    void aCommitWhoseAnswerWasLostIsAnUnknownOutcomeNotARetryableFailure() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                String sql = m.bodyText();
                if (sql.startsWith("COMMIT")) {
                    c.close(); // received, maybe committed, the answer lost (crash, network cut, terminate)
                    return;
                }
                String tag = sql.startsWith("BEGIN") ? "BEGIN" : "SELECT 0"; // simple queries only (BEGIN, SAVEPOINT, COMMIT)
                c.send(Backend.message('C', Backend.cstring(tag)), Backend.message('Z', new byte[] {'T'}));
            }
        });
             PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=")) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            begun(connection);
            Throwable error = catchThrowable(() -> Mono.from(connection.commitTransaction()).block(STEP));
            assertThat(error).as("the commit's outcome is unknown: not retryable")
                    .isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("may or may not have committed").hasMessageContaining(server.label())
                    .hasCauseInstanceOf(PgCommitOutcomeUnknownException.class);
            assertThat(ConnectionFactoryUtils.convertR2dbcException("R2DBC commit", null, (R2dbcException) error))
                    .as("what Spring's R2dbcTransactionManager throws").isNotInstanceOf(TransientDataAccessException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * REVIEW-9 F4: a COMMIT the server answers with FATAL 57P01 (a switchover's fast shutdown, a terminate) did
     * not commit — PostgreSQL holds interrupts across the commit — so it is the transient session end a retry
     * policy retries, not an unknown outcome.
     */
    @Test
    void aCommitAnsweredByTheServersFatalIsATransientFailure() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                String sql = m.bodyText();
                if (sql.startsWith("COMMIT")) {
                    c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
                    c.awaitClientClose();
                    return;
                }
                String tag = sql.startsWith("BEGIN") ? "BEGIN" : "SELECT 0"; // simple queries only (BEGIN, SAVEPOINT, COMMIT)
                c.send(Backend.message('C', Backend.cstring(tag)), Backend.message('Z', new byte[] {'T'}));
            }
        });
             PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=")) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            begun(connection);
            Throwable error = catchThrowable(() -> Mono.from(connection.commitTransaction()).block(STEP));
            assertThat(error).as("a FATAL answering COMMIT: not committed, retryable")
                    .isInstanceOf(R2dbcTransientResourceException.class).hasMessageNotContaining("may or may not")
                    .satisfies(e -> assertThat(((R2dbcException) e).getSqlState()).isEqualTo("57P01"));
            assertThat(ConnectionFactoryUtils.convertR2dbcException("R2DBC commit", null, (R2dbcException) error))
                    .as("what Spring's R2dbcTransactionManager throws").isInstanceOf(TransientDataAccessException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * A COMMIT sent as a statement ({@code createStatement("COMMIT")}, Spring's {@code DatabaseClient.sql("COMMIT")})
     * whose answer is lost after its execution was written: the same unknown outcome (it was transient).
     */
    @Test
    void aCommitStatementWhoseAnswerWasLostIsAnUnknownOutcomeToo() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                switch (m.type()) {
                    case 'Q' -> {
                        if (m.bodyText().startsWith("COMMIT")) {
                            c.close(); // sent as a simple query: lost the same way
                            return;
                        }
                        c.send(Backend.message('C', Backend.cstring(m.bodyText().startsWith("BEGIN") ? "BEGIN" : "SELECT 0")),
                                Backend.message('Z', new byte[] {'T'}));
                    }
                    case 'H' -> c.send(Backend.message('1', new byte[0]), Backend.message('t', new byte[] {0, 0}),
                            Backend.message('n', new byte[0])); // the COMMIT's Parse and Describe: no parameters, no rows
                    case 'S' -> {
                        c.close(); // its Bind and Execute came: received, maybe committed, the answer lost
                        return;
                    }
                    default -> { } // Parse, Describe, Bind, Execute: answered as a whole above
                }
            }
        });
             PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=")) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            begun(connection);
            Throwable error = catchThrowable(() -> Mono.from(connection.createStatement("COMMIT").execute())
                    .flatMap(result -> Mono.from(result.getRowsUpdated())).block(STEP));
            assertThat(error).isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("may or may not have committed")
                    .hasCauseInstanceOf(PgCommitOutcomeUnknownException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * A transaction begun that did some work, so that its COMMIT is sent: beginTransaction()'s BEGIN rides with the
     * first statement, and a transaction that ran nothing sends no COMMIT (docs/r2dbc.md §3). The work is a SAVEPOINT,
     * a simple query, which gets a BEGIN of its own in front (both answered by these servers as simple queries).
     */
    private static void begun(Connection connection) {
        Mono.from(connection.beginTransaction()).block(STEP);
        Mono.from(connection.createSavepoint("work")).block(STEP);
    }

    /**
     * REVIEW-10 F1/F2: the server answered the COMMIT (CommandComplete {@code COMMIT}) and the connection was lost
     * before its ReadyForQuery: the transaction committed, so commitTransaction() completes — it was an unknown
     * outcome — and the connection says no transaction is open (the last ReadyForQuery's status, {@code T}, is
     * stale on a closed session).
     */
    @Test
    void aCommitAnsweredBeforeTheConnectionWasLostSucceeds() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                String sql = m.bodyText();
                if (sql.startsWith("COMMIT")) {
                    c.send(Backend.message('C', Backend.cstring("COMMIT")));
                    c.close(); // committed and answered; the ReadyForQuery is lost
                    return;
                }
                c.send(Backend.message('C', Backend.cstring("BEGIN")), Backend.message('Z', new byte[] {'T'}));
            }
        });
             PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=")) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            begun(connection);
            Mono.from(connection.commitTransaction()).block(STEP);
            assertThat(connection.isAutoCommit()).as("no transaction open on the ended session").isTrue();
            Mono.from(connection.close()).block(STEP);
        }
    }
}
