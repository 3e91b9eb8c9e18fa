package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * REVIEW F1: an error that ended the session (a FATAL, a closed connection) is one of R2DBC's two
 * resource exceptions — the only ones after which the spec lets the application not assume the
 * connection valid — whatever its SQLSTATE class would say of a live session: a recovery conflict's
 * FATAL 40001 is no rollback to retry on the same connection. Transient when a new session can do the
 * work; non-transient when the server ended the session for what it used or did (database dropped
 * 57P04, idle-in-transaction timeout 25P03).
 */
class SessionEndingErrorsIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-session-ending", 1).build();

    /** 57P04: on a standby, the session of a database the primary dropped; a new one finds no database. */
    @Test
    void aSessionWhoseDatabaseWasDroppedFailsNonTransiently() {
        PG.primary().execute("CREATE DATABASE r2dbc_dropped OWNER " + R2dbcTestServer.USER);
        PgServer standby = PG.standby(0);
        awaitCondition("the standby to have the new database", STEP,
                () -> "1".equals(standby.queryValue("SELECT count(*) FROM pg_database WHERE datname = 'r2dbc_dropped'")));
        ConnectionFactoryOptions options = ConnectionFactoryOptions.builder().from(R2dbcTestServer.options(standby))
                .option(ConnectionFactoryOptions.DATABASE, "r2dbc_dropped").build();
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(options)) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            assertThat(rowsOf(connection, "SELECT 1")).isEqualTo(1L);
            PG.primary().execute("DROP DATABASE r2dbc_dropped");
            awaitClosed(connection);
            Throwable error = catchThrowable(() -> rowsOf(connection, "SELECT 1"));
            assertThat(error).isInstanceOf(R2dbcNonTransientResourceException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("57P04");
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * FATAL 40001: a standby ends a session that sits in a transaction whose snapshot holds back the replay
     * of a VACUUM (max_standby_streaming_delay 0). The SQLSTATE is a serialization failure, but the session
     * is gone: a resource failure a new session can retry, not an R2dbcRollbackException, which tells the
     * application the connection is still valid.
     */
    @Test
    void aSessionEndedByARecoveryConflictIsATransientResourceFailureNotARollback() {
        PgServer standby = PG.standby(0);
        standby.setConfig("max_standby_streaming_delay", "0");
        try (PgConnR2dbcConnectionFactory primaryFactory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.options(PG.primary()));
             PgConnR2dbcConnectionFactory standbyFactory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                     R2dbcTestServer.options(standby))) {
            Connection primary = Mono.from(primaryFactory.create()).block(STEP);
            rowsOf(primary, "CREATE TABLE recovery_conflict AS SELECT g AS id FROM generate_series(1, 1000) g");
            Connection reader = Mono.from(standbyFactory.create()).block(STEP);
            awaitCondition("the standby to have the table", STEP,
                    () -> tableReplicated(reader));
            Mono.from(reader.beginTransaction(IsolationLevel.REPEATABLE_READ)).block(STEP);
            assertThat(Flux.from(reader.createStatement("SELECT count(*) FROM recovery_conflict").execute())
                    .flatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(STEP)).isEqualTo(1000L);

            rowsOf(primary, "DELETE FROM recovery_conflict");
            rowsOf(primary, "VACUUM recovery_conflict");
            awaitClosed(reader);
            Throwable error = catchThrowable(() -> rowsOf(reader, "SELECT count(*) FROM recovery_conflict"));
            assertThat(error).isInstanceOf(R2dbcTransientResourceException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("40001");
            Mono.from(reader.close()).block(STEP);
            Mono.from(primary.close()).block(STEP);
        } finally {
            standby.setConfig("max_standby_streaming_delay", "30s");
        }
    }

    /** 25P03: the server ended a session left idle in its transaction; the same work would be ended again. */
    @Test
    void aSessionEndedForIdlingInItsTransactionFailsNonTransiently() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.options(PG.primary()))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            rowsOf(connection, "SET idle_in_transaction_session_timeout = '100ms'");
            Mono.from(connection.beginTransaction()).block(STEP);
            rowsOf(connection, "SELECT 1");
            awaitClosed(connection);
            Throwable error = catchThrowable(() -> rowsOf(connection, "SELECT 1"));
            assertThat(error).isInstanceOf(R2dbcNonTransientResourceException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("25P03");
            Mono.from(connection.close()).block(STEP);
        }
    }

    /** 57P01 (pg_terminate_backend, a fast shutdown during a failover): a new session can do the work. */
    @Test
    void aSessionTheServerTerminatedFailsTransiently() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.options(PG.primary()))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            PG.primary().execute("SELECT pg_terminate_backend(" + ((PgConnR2dbcConnection) connection).pgConnection().processId() + ")");
            awaitClosed(connection);
            Throwable error = catchThrowable(() -> rowsOf(connection, "SELECT 1"));
            assertThat(error).isInstanceOf(R2dbcTransientResourceException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("57P01");
            Mono.from(connection.close()).block(STEP);
        }
    }

    private static boolean tableReplicated(Connection reader) {
        return Flux.from(reader.createStatement("SELECT count(*) FROM pg_class WHERE relname = 'recovery_conflict'").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(STEP) == 1L;
    }

    private static Long rowsOf(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated()).blockLast(STEP);
    }

    private static void awaitClosed(Connection connection) {
        awaitCondition("the client to see the session closed", STEP,
                () -> !Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP));
    }
}
