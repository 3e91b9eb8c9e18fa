package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgStaleStatementException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-21 F1 against a real PgBouncer in transaction mode (two server sessions, handed out last-in first-out):
 * every connection named its statements {@code pgconn_1, pgconn_2, …}, so a statement one connection prepared on a
 * server session was run, silently, by another connection's Bind of the same name — the wrong statement's result.
 * With names unique to the connection, a server session that lacks the statement says so (26000): the connection
 * turns its statement cache off, runs the statement again unnamed when nothing depends on its place, and parses
 * unnamed from then on. Seen failing with main's names ({@code pgconn_N}, no detection): A read 100 for {@code 0 + 1} (B's statement), and the transaction test met 42P05.
 */
class TransactionPoolerIT {

    @RegisterExtension
    @Order(1) // the cluster before the pooler in front of it, stopped after it
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @RegisterExtension
    @Order(2)
    static final TransactionPoolerExtension POOLER = new TransactionPoolerExtension(PG, 2);

    private static PgConnection connect(String extra) {
        return await(FACTORY.factory().connect(ConnConfig.parse("host=127.0.0.1 port=" + POOLER.port() + " dbname=pooled user="
                + QueryCluster.USER + " sslmode=disable extensionTypes='' " + extra,
                EnvironmentSource.of(Map.of("HOME", System.getProperty("java.io.tmpdir"))))));
    }

    /**
     * Two connections prepare their first statement, each on its own server session (both in a transaction at the
     * same time), then A runs its statement again: PgBouncer hands it the session B released last.
     */
    @Test
    void anotherConnectionsStatementIsNeverRun() {
        PgConnection a = connect("");
        PgConnection b = connect("");
        try {
            await(a.begin());
            await(b.begin());
            assertThat(await(a.query("SELECT $1::int + 1", 1)).single(Integer.class)).isEqualTo(2);
            assertThat(await(b.query("SELECT $1::int + 100", 1)).single(Integer.class)).isEqualTo(101);
            await(a.commit());
            await(b.commit()); // B's server session is the last released: A's next transaction gets it
            for (int i = 0; i < 10; i++) {
                assertThat(await(a.query("SELECT $1::int + 1", i)).single(Integer.class)).as("A, round %d", i).isEqualTo(i + 1);
                assertThat(await(b.query("SELECT $1::int + 100", i)).single(Integer.class)).as("B, round %d", i).isEqualTo(i + 100);
            }
        } finally {
            await(a.close());
            await(b.close());
        }
    }

    /** Inside a transaction block the statement cannot be run again: it fails once, naming the pooler and the setting. */
    @Test
    void insideATransactionTheFailureNamesThePoolerAndTheSettingThenUnnamedStatementsWork() {
        PgConnection a = connect("");
        PgConnection b = connect("");
        try {
            await(a.begin());
            await(b.begin());
            await(a.query("SELECT $1::int + 1", 1));
            await(b.query("SELECT $1::int * 7", 1));
            await(a.commit());
            await(b.commit());
            await(a.begin()); // B's server session, which does not have A's statement
            Throwable error = failure(a.query("SELECT $1::int + 1", 1));
            assertThat(error).isInstanceOf(PgStaleStatementException.class)
                    .hasMessageContaining("pooler in transaction mode")
                    .hasMessageContaining("preparedStatementCacheSize=0");
            await(a.rollback());
            await(a.begin());
            assertThat(await(a.query("SELECT $1::int + 1", 1)).single(Integer.class)).isEqualTo(2);
            assertThat(await(a.query("SELECT $1::int + 2", 1)).single(Integer.class)).isEqualTo(3);
            await(a.commit());
        } finally {
            await(a.close());
            await(b.close());
        }
    }

    /** The documented setting: unnamed statements only, every statement answered right from the start. */
    @Test
    void withTheCacheOffEveryStatementIsRightFromTheStart() {
        PgConnection a = connect("preparedStatementCacheSize=0");
        PgConnection b = connect("preparedStatementCacheSize=0");
        try {
            await(a.begin());
            await(b.begin());
            await(a.query("SELECT $1::int + 1", 1));
            await(b.query("SELECT $1::int + 100", 1));
            await(a.commit());
            await(b.commit());
            await(a.begin());
            assertThat(await(a.query("SELECT $1::int + 1", 5)).single(Integer.class)).isEqualTo(6);
            await(a.commit());
        } finally {
            await(a.close());
            await(b.close());
        }
    }
}
