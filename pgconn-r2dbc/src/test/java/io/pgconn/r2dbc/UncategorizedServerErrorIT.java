package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.UncategorizedR2dbcException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * REVIEW-20 R3 through Spring on a real server: a business rule's {@code RAISE EXCEPTION} (P0001) is Spring's
 * {@code UncategorizedR2dbcException} over the driver's {@link UncategorizedServerErrorException}, not a
 * {@code DataAccessResourceFailureException} ("the database is down"); a subquery of more than one row (21000) is a
 * {@code DataIntegrityViolationException}; the pooled session goes on serving.
 */
class UncategorizedServerErrorIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-uncategorized", 0).build();

    @Test
    void aRaisedExceptionIsUncategorizedAndTheSessionGoesOn() {
        PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(1).maxSize(1).build());
        try {
            DatabaseClient db = DatabaseClient.create(pool);
            TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(pool));
            Integer pid = db.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block(STEP);

            assertThatThrownBy(() -> tx.transactional(db.sql("DO $$ BEGIN RAISE EXCEPTION 'order % is closed', 7; END $$").then()).block(STEP))
                    .isInstanceOf(UncategorizedR2dbcException.class)
                    .isNotInstanceOf(DataAccessResourceFailureException.class)
                    .hasMessageContaining("order 7 is closed")
                    .hasCauseInstanceOf(UncategorizedServerErrorException.class)
                    .satisfies(e -> assertThat(((UncategorizedR2dbcException) e).getR2dbcException().getSqlState()).isEqualTo("P0001"));
            assertThatThrownBy(() -> db.sql("SELECT (SELECT n FROM generate_series(1, 2) n)").then().block(STEP))
                    .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("more than one row");

            assertThat(db.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block(STEP))
                    .as("the same pooled session").isEqualTo(pid);
        } finally {
            pool.dispose();
            factory.close();
        }
    }
}
