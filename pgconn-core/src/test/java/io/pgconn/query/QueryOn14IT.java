package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** The query path on PostgreSQL 14 (the oldest major the testkit runs): parameters, pipelining, re-prepare, transactions. */
class QueryOn14IT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(14);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void theQueryPathWorksOnPostgres14() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(c.serverVersion()).startsWith("14");
            assertThat(await(c.query("SELECT $1::int + 1, $2 || '!'", 41, "hi")).row(0).get(1, String.class)).isEqualTo("hi!");
            await(c.simpleQuery("CREATE TABLE t14 (id int)"));
            List<CompletableFuture<RowSet>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(c.query(i == 50 ? "INSERT INTO t14 VALUES ($1 / 0)" : "INSERT INTO t14 VALUES ($1)", i));
            }
            for (int i = 0; i < 100; i++) {
                if (i == 50) {
                    assertThat(((PgServerException) failure(futures.get(i))).sqlState()).contains("22012");
                } else {
                    assertThat(await(futures.get(i)).rowsAffected()).isEqualTo(1);
                }
            }
            assertThat(await(c.query("SELECT * FROM t14 WHERE id = $1", 7)).metadata().size()).isEqualTo(1);
            await(c.simpleQuery("ALTER TABLE t14 ADD COLUMN b int"));
            assertThat(await(c.query("SELECT * FROM t14 WHERE id = $1", 7)).metadata().names()).containsExactly("id", "b");
            await(c.begin());
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
            await(c.rollback());
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }
}
