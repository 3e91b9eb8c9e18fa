package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPY is not supported; a COPY statement fails alone and the connection, and what is pipelined
 * behind it, go on (review item 9): COPY TO STDOUT has its data read past, COPY FROM STDIN is
 * answered with CopyFail.
 */
class CopyRefusalIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void copyThroughQueryFailsOnlyThatStatement() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE copy_t (n int)"));
            CompletableFuture<RowSet> out = c.query("COPY (SELECT g FROM generate_series(1, 1000) g) TO STDOUT");
            CompletableFuture<RowSet> afterOut = c.query("SELECT $1::int", 1);
            CompletableFuture<RowSet> in = c.query("COPY copy_t FROM STDIN");
            CompletableFuture<RowSet> afterIn = c.query("SELECT $1::int", 2); // submitted at once: waits for the COPY's end
            assertThat(failure(out)).isInstanceOf(PgException.class).hasMessageContaining("COPY TO STDOUT")
                    .hasMessageContaining("not support").hasMessageContaining(PG.primary().port() + "");
            assertThat(await(afterOut).single(Integer.class)).isEqualTo(1);
            assertThat(failure(in)).isInstanceOf(PgException.class).hasMessageContaining("COPY FROM STDIN");
            assertThat(await(afterIn).single(Integer.class)).isEqualTo(2);
            assertThat(await(c.query("SELECT count(*) FROM copy_t")).single(Long.class)).isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(c.isClosed()).isFalse();
        } finally {
            await(c.close());
        }
    }

    @Test
    void copyThroughSimpleQueryFailsOnlyThatQuery() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE copy_s (n int)"));
            CompletableFuture<QueryResult> out = c.simpleQuery("COPY (SELECT 1) TO STDOUT");
            CompletableFuture<QueryResult> in = c.simpleQuery("SELECT 1; COPY copy_s FROM STDIN; SELECT 2");
            CompletableFuture<QueryResult> after = c.simpleQuery("SELECT 3");
            assertThat(failure(out)).isInstanceOf(PgException.class).hasMessageContaining("COPY TO STDOUT");
            assertThat(failure(in)).isInstanceOf(PgException.class).hasMessageContaining("COPY FROM STDIN");
            assertThat(await(after).rows()).containsExactly(java.util.List.of("3"));
            assertThat(c.isClosed()).isFalse();
        } finally {
            await(c.close());
        }
    }
}
