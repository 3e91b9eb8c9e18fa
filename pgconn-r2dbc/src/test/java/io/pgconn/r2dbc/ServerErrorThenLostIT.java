package io.pgconn.r2dbc;

import io.pgconn.PgFailedThenClosedException;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import reactor.core.publisher.Mono;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

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

    /**
     * A 40001 (serialization failure) the server sent before the connection was lost (docs/r2dbc.md §2, decision of
     * session 19): the statement's outcome is the server's error, as for a 23505 and as pgjdbc reports it (its 40001
     * first, the 08006 of the lost connection chained behind it: checked against the same scripted server below) —
     * {@code R2dbcRollbackException} with 40001, which Spring makes a {@code CannotAcquireLockException}, the
     * {@code ConcurrencyFailureException} retry policies for serialization failures catch. The connection is closed all
     * the same: the message says so, {@code validate} is false (a pool drops it; a retry takes another), a
     * {@code rollbackTransaction()} completes, and the session's end is the core exception's {@code sessionEnd()} (its
     * own cause, a reset's IOException, suppressed on it: LostExchangesTest). Passed before but for {@code sessionEnd()}:
     * it records the decision.
     */
    @Test
    void aSerializationFailureBeforeTheConnectionWasLostIsARollbackOnAClosedConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0"),
                    Backend.parameterStatus("client_encoding", "UTF8"), Backend.parameterStatus("standard_conforming_strings", "on"),
                    Backend.parameterStatus("integer_datetimes", "on"), Backend.parameterStatus("DateStyle", "ISO, MDY"),
                    Backend.parameterStatus("in_hot_standby", "off"), Backend.parameterStatus("default_transaction_read_only", "off"),
                    Backend.backendKeyData(4242, new byte[] {1, 2, 3, 4}), Backend.readyForQuery());
            boolean parseAnswered = false;
            for (Conversation.Message m = c.readMessage(); m.type() != 'X'; m = c.readMessage()) {
                switch (m.type()) {
                    case 'Q' -> c.send(Backend.message('C', Backend.cstring("SELECT 0")), Backend.message('Z', new byte[] {'I'}));
                    case 'H' -> {
                        c.send(Backend.message('1', new byte[0]), Backend.message('t', new byte[] {0, 0}), Backend.message('n', new byte[0]));
                        parseAnswered = true; // pgconn describes first; pgjdbc sends Parse to Sync at once
                    }
                    case 'S' -> {
                        if (!parseAnswered) {
                            c.send(Backend.message('1', new byte[0]));
                        }
                        c.send(Backend.message('2', new byte[0]), Backend.poolerError("40001",
                                "could not serialize access due to concurrent update"));
                        c.close(); // no ReadyForQuery (a reset here would drop the error unread in the client's kernel)
                        return;
                    }
                    default -> { }
                }
            }
        });
             PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     "r2dbc:pgconn://alice:pw@127.0.0.1:" + server.port() + "/app?sslmode=disable&extensionTypes=")) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Throwable error = catchThrowable(() -> Mono.from(connection.createStatement("UPDATE t SET v = 1").execute())
                    .flatMap(result -> Mono.from(result.getRowsUpdated())).block(STEP));
            assertThat(error).isExactlyInstanceOf(R2dbcRollbackException.class)
                    .hasMessageContaining("could not serialize access").hasMessageContaining("; then the connection was lost: ")
                    .hasCauseInstanceOf(PgFailedThenClosedException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("40001");
            assertThat(ConnectionFactoryUtils.convertR2dbcException("UPDATE", null, (R2dbcException) error))
                    .as("what Spring's DatabaseClient and repositories throw").isInstanceOf(CannotAcquireLockException.class)
                    .isInstanceOf(ConcurrencyFailureException.class);
            assertThat(((PgFailedThenClosedException) error.getCause()).sessionEnd()).as("how the session ended")
                    .hasMessageContaining(server.label()).hasMessageNotContaining("40001");
            assertThat(Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP)).as("the connection is closed").isFalse();
            Mono.from(connection.rollbackTransaction()).block(STEP);
            Mono.from(connection.close()).block(STEP);

            Properties pgjdbc = new Properties();
            pgjdbc.setProperty("user", "alice");
            pgjdbc.setProperty("password", "pw");
            pgjdbc.setProperty("sslmode", "disable");
            pgjdbc.setProperty("gssEncMode", "disable");
            try (java.sql.Connection jdbc = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/app", pgjdbc)) {
                Throwable jdbcError = catchThrowable(() -> jdbc.createStatement().executeUpdate("UPDATE t SET v = 1"));
                assertThat((Object) jdbcError).as("pgjdbc: the 40001 first").isInstanceOf(SQLException.class);
                assertThat(((SQLException) jdbcError).getSQLState()).isEqualTo("40001");
                SQLException next = ((SQLException) jdbcError).getNextException();
                assertThat((Object) next).as("then the lost connection").isNotNull();
                assertThat(next.getSQLState()).isEqualTo("08006");
                assertThat(jdbc.isClosed()).isTrue();
            }
        }
    }
}
