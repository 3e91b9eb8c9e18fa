package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-21 F5 against a real PgBouncer in transaction mode: autocommit statements pipelined on one connection hung
 * (after the first one's ReadyForQuery the pooler unlinks the server session and drops the answers to the ones behind
 * it). With {@code pipeliningLimit=1} each is written after the one before is answered: all answered, in order.
 */
class PipelinedTransactionPoolerIT {

    @RegisterExtension
    @Order(1) // the cluster before the pooler in front of it, stopped after it
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @RegisterExtension
    @Order(2)
    static final TransactionPoolerExtension POOLER = new TransactionPoolerExtension(PG, 2);

    @Test
    void twentyAutocommitStatementsSubmittedAtOnceAreAllAnsweredWithPipeliningLimitOne() throws Exception {
        PgConnection c = await(FACTORY.factory().connect(ConnConfig.parse("host=127.0.0.1 port=" + POOLER.port()
                + " dbname=pooled user=" + QueryCluster.USER + " sslmode=disable extensionTypes='' preparedStatementCacheSize=0 pipeliningLimit=1",
                EnvironmentSource.of(Map.of("HOME", System.getProperty("java.io.tmpdir"))))));
        try {
            List<CompletableFuture<RowSet>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(c.query("SELECT $1::int AS v, pg_backend_pid() AS pid", i));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS).row(0).get("v", Integer.class)).as("statement %d", i).isEqualTo(i);
            }
        } finally {
            await(c.close());
        }
    }
}
