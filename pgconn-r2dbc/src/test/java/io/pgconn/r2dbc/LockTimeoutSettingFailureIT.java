package io.pgconn.r2dbc;

import io.pgconn.PgException;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A definition's lock wait timeout is a {@code set_config} that {@code beginTransaction} sends without awaiting its
 * answer (docs/r2dbc.md §3). When the server fails it, the transaction has failed before its first statement, which
 * fails with the server's bare 25P02 ("current transaction is aborted"); its error now carries the {@code set_config}'s
 * (suppressed on the core's 25P02, the R2DBC exception's cause), so the application's log says why. Before, that error
 * was dropped (an empty error handler, closing note 27). Here the server refuses it: {@code EXECUTE} on
 * {@code pg_catalog.set_config} is revoked from the application's user (as a hardened database may). The function is
 * named with its schema, so a {@code set_config} of a schema ahead of {@code pg_catalog} in the search path is not
 * called in its place.
 */
class LockTimeoutSettingFailureIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-lock-timeout-failure", 0).build();

    @Test
    void theNextStatementsFailureCarriesTheLockTimeoutsError() {
        PG.primary().execute(R2dbcTestServer.DATABASE,
                "REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC");
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                Mono.from(c.beginTransaction(withLockWaitTimeout())).block(STEP);
                R2dbcException failure = catchThrowableOfType(R2dbcException.class, () -> run(c, "SELECT 1"));

                assertThat(failure.getSqlState()).isEqualTo("25P02");
                assertThat(failure.getCause().getSuppressed()).as("the set_config's error").singleElement()
                        .isInstanceOfSatisfying(PgException.class, setting -> {
                            assertThat(setting.sqlState()).contains("42501");
                            // a statement with parameters: its message is withheld, the server's fields keep it
                            assertThat(setting.serverFieldMap().get('M')).isEqualTo("permission denied for function set_config");
                        });
                Mono.from(c.rollbackTransaction()).block(STEP);

                assertThat(catchThrowableOfType(R2dbcException.class, () -> run(c, "SELECT 1/0")).getCause().getSuppressed())
                        .as("nothing carried past the transaction").isEmpty();
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        } finally {
            PG.primary().execute(R2dbcTestServer.DATABASE,
                    "GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC");
        }
    }

    /** A {@code set_config} of the session's own schema ahead of {@code pg_catalog} is not the one the driver calls. */
    @Test
    void aSetConfigAheadOfPgCatalogInTheSearchPathIsNotCalled() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                run(c, "CREATE SCHEMA shadowing");
                run(c, "CREATE FUNCTION shadowing.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql AS"
                        + " $$BEGIN RAISE EXCEPTION 'the shadowing set_config was called' USING ERRCODE = '22023'; END$$");
                run(c, "SET search_path = shadowing, pg_catalog");

                Mono.from(c.beginTransaction(withLockWaitTimeout())).block(STEP);
                assertThat(Flux.from(c.createStatement("SELECT current_setting('lock_timeout')").execute())
                        .flatMap(result -> result.map(row -> row.get(0, String.class))).blockLast(STEP))
                        .as("pg_catalog's set_config set the transaction's lock_timeout").isEqualTo("1s");
                Mono.from(c.commitTransaction()).block(STEP);
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    private static TransactionDefinition withLockWaitTimeout() {
        return TransactionControlIT.definition(Map.of(TransactionDefinition.LOCK_WAIT_TIMEOUT, Duration.ofSeconds(1)));
    }

    private static void run(Connection c, String sql) {
        Flux.from(c.createStatement(sql).execute()).flatMap(Result::getRowsUpdated).blockLast(STEP);
    }
}
