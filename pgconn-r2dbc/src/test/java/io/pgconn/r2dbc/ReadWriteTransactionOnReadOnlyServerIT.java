package io.pgconn.r2dbc;

import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A READ WRITE transaction ({@code beginTransaction} with {@code READ_ONLY} false, what Spring's transaction manager
 * sends) on a session idle while its primary was turned read-only by a reload, under {@code
 * target_session_attrs=read-write}: the core rolls it back (docs/r2dbc.md §4), and pgconn-r2dbc reports that as a
 * transient resource failure — the write belongs on the new primary, a retry on a new session may succeed — with SQLSTATE
 * 25P02 and the core's {@link PgServerTurnedReadOnlyException} as cause; Spring's translation makes it a {@link
 * TransientDataAccessResourceException}. Session 32 reported it as the non-transient {@code TransactionRolledBackException}
 * (Spring's UncategorizedR2dbcException), which retry policies leave alone.
 */
class ReadWriteTransactionOnReadOnlyServerIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final TransactionDefinition READ_WRITE = TransactionControlIT.definition(
            Map.of(TransactionDefinition.READ_ONLY, false));

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-rw-on-ro", 0).build();

    @AfterEach
    void serverReadWriteAgain() {
        PG.primary().setConfig("default_transaction_read_only", "off");
    }

    @Test
    void aRolledBackReadWriteTransactionIsATransientFailureWithItsCommit() {
        onAServerTurnedReadOnly((connection, host) -> {
            Mono.from(connection.beginTransaction(READ_WRITE)).block(STEP);
            run(connection, "INSERT INTO rw_orders VALUES (1)"); // the first statement: it ran, the server took it
            Throwable error = catchThrowable(() -> Mono.from(connection.commitTransaction()).block(STEP));

            assertThat(error).isInstanceOf(R2dbcTransientResourceException.class)
                    .hasMessageContaining("default_transaction_read_only=on").hasMessageContaining(host)
                    .hasCauseInstanceOf(PgServerTurnedReadOnlyException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("25P02");
            assertThat(ConnectionFactoryUtils.convertR2dbcException("R2DBC commit", null, (R2dbcException) error))
                    .as("what Spring's R2dbcTransactionManager throws: retryable")
                    .isInstanceOf(TransientDataAccessResourceException.class);
        });
    }

    /**
     * REVIEW-33 R33-1: with a lock wait timeout (Spring's {@code @Transactional(timeout = ...)}) the statement that
     * carries the {@code BEGIN} is pgconn-r2dbc's own {@code pg_catalog.set_config('lock_timeout', $1, true)}; the report
     * in its answer is the server's, so the unit's write is refused as a transient failure and nothing is kept. Before,
     * the {@code set_config} made the report look like the session's own setting: the write committed on the read-only
     * server.
     */
    @Test
    void aTransactionWithALockWaitTimeoutIsRefusedToo() {
        onAServerTurnedReadOnly((connection, host) -> {
            Mono.from(connection.beginTransaction(TransactionControlIT.definition(Map.of(TransactionDefinition.READ_ONLY,
                    false, TransactionDefinition.LOCK_WAIT_TIMEOUT, Duration.ofSeconds(5))))).block(STEP);
            Throwable insert = catchThrowable(() -> run(connection, "INSERT INTO rw_orders VALUES (1)"));
            assertThat(insert).isInstanceOf(R2dbcTransientResourceException.class)
                    .hasCauseInstanceOf(PgServerTurnedReadOnlyException.class);
            Throwable commit = catchThrowable(() -> Mono.from(connection.commitTransaction()).block(STEP));
            assertThat(commit).isInstanceOf(R2dbcTransientResourceException.class);
        });
    }

    /**
     * Runs {@code unit} on a {@code target_session_attrs=read-write} connection, idle while its primary was turned
     * read-only by a reload (an empty {@code rw_orders} table), and checks that nothing was committed on that server.
     */
    private static void onAServerTurnedReadOnly(BiConsumer<Connection, String> unit) {
        PgServer primary = PG.primary();
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(primary, "target_session_attrs=read-write"))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            try {
                run(connection, "CREATE TABLE IF NOT EXISTS rw_orders (n int)");
                run(connection, "TRUNCATE rw_orders");
                primary.setConfig("default_transaction_read_only", "on");

                unit.accept(connection, "127.0.0.1:" + primary.port());

                assertThat(primary.queryValue(R2dbcTestServer.DATABASE, "SELECT count(*) FROM rw_orders"))
                        .as("nothing committed on the read-only server").isEqualTo("0");
            } finally {
                Mono.from(connection.close()).block(STEP);
            }
        }
    }

    private static void run(Connection connection, String sql) {
        Mono.from(connection.createStatement(sql).execute()).flatMap(r -> Mono.from(r.getRowsUpdated())).block(STEP);
    }
}
