package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcRollbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * user13's F3: a cached statement whose result type an ALTER TABLE changed fails inside a transaction with 0A000
 * ("cached plan must not change result type"; outside one the core re-prepares and re-runs it). Its cache entry is
 * dropped, so the transaction run again succeeds: the error is a rollback, which Spring makes a transient exception
 * that a retry policy retries (it was a non-transient DataAccessResourceFailureException). docs/r2dbc.md §2.
 */
class StaleStatementInTransactionIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-stale-statement", 0).build();

    @Test
    void aStaleCachedStatementInATransactionIsTransientAndTheTransactionRunAgainSucceeds() {
        PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(1).maxSize(1).build());
        Connection ddl = Mono.from(factory.create()).block(STEP);
        try {
            DatabaseClient db = DatabaseClient.create(pool);
            TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(pool));
            db.sql("DROP TABLE IF EXISTS stale_account").then().block(STEP);
            db.sql("CREATE TABLE stale_account (id int, owner text)").then().block(STEP);
            db.sql("INSERT INTO stale_account VALUES (1, 'a')").then().block(STEP);
            Mono<Integer> report = db.sql("SELECT a.* FROM stale_account a WHERE id = $1").bind(0, 1)
                    .map((row, metadata) -> metadata.getColumnMetadatas().size()).one();
            assertThat(tx.transactional(report).block(STEP)).as("cached on the pool's one connection").isEqualTo(2);

            alter(ddl, "ALTER TABLE stale_account ADD COLUMN note text");
            assertThatThrownBy(() -> tx.transactional(report).block(STEP))
                    .isInstanceOf(TransientDataAccessException.class)
                    .hasCauseInstanceOf(R2dbcRollbackException.class)
                    .hasMessageContaining("0A000").hasMessageContaining("roll back and retry the transaction");
            assertThat(tx.transactional(report).block(STEP)).as("the transaction run again").isEqualTo(3);

            alter(ddl, "ALTER TABLE stale_account DROP COLUMN note");
            Mono<Integer> retried = tx.transactional(report).retryWhen(Retry.max(1).filter(TransientDataAccessException.class::isInstance));
            assertThat(retried.block(STEP)).as("a retry policy for transient exceptions").isEqualTo(2);
        } finally {
            Mono.from(ddl.close()).block(STEP);
            pool.dispose();
            factory.close();
        }
    }

    private static void alter(Connection ddl, String sql) {
        Flux.from(ddl.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).then().block(STEP);
    }
}
