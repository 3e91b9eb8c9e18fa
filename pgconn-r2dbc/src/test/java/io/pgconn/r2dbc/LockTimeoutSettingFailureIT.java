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
 * was dropped (an empty error handler, closing note 27). Here the server fails it through a {@code set_config} of the
 * session's own schema ahead of {@code pg_catalog} in its search path.
 */
class LockTimeoutSettingFailureIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-lock-timeout-failure", 0).build();

    @Test
    void theNextStatementsFailureCarriesTheLockTimeoutsError() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                run(c, "CREATE SCHEMA refusing");
                run(c, "CREATE FUNCTION refusing.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql AS"
                        + " $$BEGIN RAISE EXCEPTION 'this lock timeout is refused here' USING ERRCODE = '22023'; END$$");
                run(c, "SET search_path = refusing, pg_catalog");

                Mono.from(c.beginTransaction(TransactionControlIT.definition(Map.of(TransactionDefinition.LOCK_WAIT_TIMEOUT,
                        Duration.ofSeconds(1))))).block(STEP);
                R2dbcException failure = catchThrowableOfType(R2dbcException.class, () -> run(c, "SELECT 1"));

                assertThat(failure.getSqlState()).isEqualTo("25P02");
                assertThat(failure.getCause().getSuppressed()).as("the set_config's error").singleElement()
                        .isInstanceOfSatisfying(PgException.class, setting -> {
                            assertThat(setting.sqlState()).contains("22023");
                            // a statement with parameters: its message is withheld, the server's fields keep it
                            assertThat(setting.serverFieldMap().get('M')).isEqualTo("this lock timeout is refused here");
                        });
                Mono.from(c.rollbackTransaction()).block(STEP);

                assertThat(catchThrowableOfType(R2dbcException.class, () -> run(c, "SELECT 1/0")).getCause().getSuppressed())
                        .as("nothing carried past the transaction").isEmpty();
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    private static void run(Connection c, String sql) {
        Flux.from(c.createStatement(sql).execute()).flatMap(Result::getRowsUpdated).blockLast(STEP);
    }
}
