package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-26 S10: a multi-tenant application with a schema per tenant runs the same statement text under each
 * tenant's search path, set for its transaction, and one tenant's table is already on the next migration (a column
 * more). The server resolves a text's names at its Parse: the statement cached under the first tenant's path, run
 * under the second's, was re-planned by the server and failed with 0A000 "cached plan must not change result type" —
 * inside the transaction, which the failure ended. Now a statement is cached per reported search path (PostgreSQL 18)
 * and the cache is dropped at a {@code SET} that may change the path (PostgreSQL 14: no report), as pgjdbc does.
 */
class TenantSearchPathStatementsIT {

    private static final String ITEM = "SELECT * FROM items WHERE id = $1";

    @RegisterExtension
    static final PgClusterExtension PG18 = tenants(18);

    @RegisterExtension
    static final PgClusterExtension PG14 = tenants(14);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static PgClusterExtension tenants(int major) {
        return QueryCluster.builder(major)
                .initSql("CREATE SCHEMA t01 AUTHORIZATION " + QueryCluster.USER)
                .initSql("CREATE SCHEMA t02 AUTHORIZATION " + QueryCluster.USER)
                .initSql("CREATE TABLE t01.items (id int PRIMARY KEY, name text)")
                .initSql("CREATE TABLE t02.items (id int PRIMARY KEY, name text, sku text)")
                .initSql("INSERT INTO t01.items VALUES (1, 'one-of-t01')")
                .initSql("INSERT INTO t02.items VALUES (1, 'one-of-t02', 'SKU-2')")
                .initSql("GRANT ALL ON ALL TABLES IN SCHEMA t01, t02 TO " + QueryCluster.USER)
                .build();
    }

    @Test
    void theSameTextUnderEachTenantsSearchPathSetWithSetConfigReadsThatTenantsTable() {
        PgConnection c = QueryCluster.connect(PG18, FACTORY, "");
        try {
            for (String tenant : List.of("t01", "t01", "t02", "t01", "t02")) {
                readsTheItemOf(tenant, c, path -> path.query("SELECT set_config('search_path', $1, true)", tenant + ", public"));
            }
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-26 R26-8: a statement pipelined behind a tenant switch, before the server's report of it, was filed under
     * the path before — which the client still knew — though the server parsed it under the new one; the last tenant's
     * next request inside a transaction then got the other shape (0A000). The report drops what was prepared behind it.
     */
    @Test
    void aStatementPipelinedBehindATenantSwitchIsNotFiledUnderThePathBeforeIt() {
        PgConnection c = QueryCluster.connect(PG18, FACTORY, "");
        try {
            await(c.simpleQuery("SET search_path TO t01, public"));
            CompletableFuture<RowSet> switched = c.query("SELECT set_config('search_path', 't02, public', false)");
            CompletableFuture<RowSet> behind = c.query(ITEM, 1);
            await(switched);
            assertThat(await(behind).row(0).get(1, String.class)).isEqualTo("one-of-t02");

            readsTheItemOf("t01", c, path -> path.query("SELECT set_config('search_path', 't01, public', true)"));
        } finally {
            await(c.close());
        }
    }

    /**
     * Before PostgreSQL 18 a {@code SET LOCAL}'s path ends with its transaction unreported: what was prepared under it
     * is dropped at the transaction's end too, so a statement after it, under the session's own path, is prepared anew
     * there — inside the next transaction, where a stale one would cost the transaction (REVIEW-26 R26-8).
     */
    @Test
    void aStatementPreparedUnderASetLocalPathIsNotUsedAfterItsTransactionOnAServerThatDoesNotReportIt() {
        PgConnection c = QueryCluster.connect(PG14, FACTORY, "");
        try {
            await(c.simpleQuery("SET search_path TO t01, public"));
            readsTheItemOf("t02", c, path -> path.simpleQuery("SET LOCAL search_path TO t02, public"));
            readsTheItemOf("t01", c, sessionsOwnPath -> CompletableFuture.completedFuture(null));
        } finally {
            await(c.close());
        }
    }

    @Test
    void theSameTextUnderEachTenantsSearchPathSetLocalOnAServerThatDoesNotReportItReadsThatTenantsTable() {
        PgConnection c = QueryCluster.connect(PG14, FACTORY, "");
        try {
            for (String tenant : List.of("t01", "t01", "t02", "t01", "t02")) {
                readsTheItemOf(tenant, c, path -> path.simpleQuery("SET LOCAL search_path TO " + tenant + ", public"));
            }
        } finally {
            await(c.close());
        }
    }

    /**
     * In a transaction of its own on {@code c}, its search path set by {@code setPath} first, {@link #ITEM} reads
     * {@code tenant}'s row, in the shape of that tenant's table (t02's has a column more).
     */
    private static void readsTheItemOf(String tenant, PgConnection c, Function<PgConnection, CompletableFuture<?>> setPath) {
        await(c.begin());
        await(setPath.apply(c));
        RowSet item = await(c.query(ITEM, 1));
        await(c.commit());
        assertThat(item.row(0).get(1, String.class)).isEqualTo("one-of-" + tenant);
        assertThat(item.metadata().columns()).hasSize(tenant.equals("t02") ? 3 : 2);
    }
}
