package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.PgStaleStatementException;
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

/** Named server-side statements: the LRU cache, re-prepare after 0A000 and after DISCARD ALL, unnamed-only mode. */
class PreparedStatementIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    /** The statements this session holds on the server (simple protocol: the probe itself is not prepared). */
    private static List<String> serverStatements(PgConnection c) {
        return await(c.simpleQuery("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time, name")).rows()
                .stream().map(r -> r.get(0)).toList();
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedStatementsAndClosesTheEvictedOnes() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "preparedStatementCacheSize=2");
        try {
            await(c.query("SELECT 1 + $1::int", 1));
            await(c.query("SELECT 2 + $1::int", 1));
            await(c.query("SELECT 1 + $1::int", 1)); // touches the first: the second is now the eldest
            assertThat(serverStatements(c)).containsExactlyInAnyOrder("SELECT 1 + $1::int", "SELECT 2 + $1::int");
            await(c.query("SELECT 3 + $1::int", 1)); // evicts "SELECT 2"; its Close goes out with the next exchange
            await(c.query("SELECT 1 + $1::int", 1));
            assertThat(serverStatements(c)).containsExactlyInAnyOrder("SELECT 1 + $1::int", "SELECT 3 + $1::int");
            assertThat(await(c.query("SELECT 2 + $1::int", 5)).single(Integer.class)).isEqualTo(7); // re-prepared
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementThatCannotBeSentLosesNoPendingCloseAndLeavesNoEntry() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "preparedStatementCacheSize=2");
        try {
            await(c.query("SELECT 1 + $1::int", 1));
            await(c.query("SELECT 2 + $1::int", 1));
            await(c.query("SELECT 3 + $1::int", 1)); // evicts "SELECT 1": its Close is pending
            Throwable nul = failure(c.query("SELECT 4 + $1::int\0", 1));
            assertThat(nul).isInstanceOf(io.pgconn.PgConfigException.class);
            await(c.query("SELECT 5 + $1::int", 1)); // sends the pending Close
            assertThat(serverStatements(c)).doesNotContain("SELECT 1 + $1::int").contains("SELECT 3 + $1::int", "SELECT 5 + $1::int");
            assertThat(await(c.query("SELECT 3 + $1::int", 1)).single(Integer.class)).isEqualTo(4);
            assertThat(nul).hasMessageContaining("NUL character (at index 18)").hasMessageContaining(PG.primary().port() + "");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aDiscardAllForgetsOnlyStatementsPreparedBeforeIt() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.query("SELECT 6 + $1::int", 1));
            CompletableFuture<?> discard = c.simpleQuery("DISCARD ALL");
            CompletableFuture<RowSet> parsedAfter = c.query("SELECT 7 + $1::int", 1); // written before the DISCARD's answer is read
            await(discard);
            assertThat(await(parsedAfter).single(Integer.class)).isEqualTo(8);
            assertThat(await(c.query("SELECT 7 + $1::int", 2)).single(Integer.class)).isEqualTo(9);
            assertThat(await(c.query("SELECT 6 + $1::int", 2)).single(Integer.class)).isEqualTo(8); // prepared anew
            // the statement parsed after the DISCARD is still known: reused, not parsed a second time
            assertThat(serverStatements(c)).containsExactly("SELECT 7 + $1::int", "SELECT 6 + $1::int");
        } finally {
            await(c.close());
        }
    }

    @Test
    void sizeZeroUsesTheUnnamedStatementOnly() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "preparedStatementCacheSize=0");
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(await(c.query("SELECT $1::int * 2 AS doubled", i)).single(Integer.class)).isEqualTo(2 * i);
            }
            assertThat(serverStatements(c)).isEmpty();
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementWhoseResultTypeChangedIsPreparedAgainTransparently() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE altered (id int, a text)"));
            await(c.simpleQuery("INSERT INTO altered VALUES (1, 'x')"));
            RowSet before = await(c.query("SELECT * FROM altered WHERE id = $1", 1));
            assertThat(before.metadata().names()).containsExactly("id", "a");
            await(c.simpleQuery("ALTER TABLE altered ADD COLUMN b int DEFAULT 7"));
            // the server answers the cached statement with 0A000 "cached plan must not change result type"
            RowSet after = await(c.query("SELECT * FROM altered WHERE id = $1", 1));
            assertThat(after.metadata().names()).containsExactly("id", "a", "b");
            assertThat(after.row(0).get("b", Integer.class)).isEqualTo(7);
            assertThat(serverStatements(c)).containsExactly("SELECT * FROM altered WHERE id = $1");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStaleStatementInTheMiddleOfAPipelineFailsInsteadOfRunningAfterTheStatementsBehindIt() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE pipe_log (seq serial PRIMARY KEY, n int NOT NULL)"));
            assertThat(await(c.query("SELECT * FROM pipe_log")).size()).isZero(); // cached with two columns
            await(c.simpleQuery("ALTER TABLE pipe_log ADD COLUMN extra int"));
            // a paged stream with no demand holds every later request back; once it is cancelled the 200
            // are written back to back in one go, so #100 always has statements submitted after it
            // (submitted one by one from this thread, #100 could be answered before #101 is submitted)
            TestSubscriber pager = new TestSubscriber(row -> { });
            c.statement("SELECT g FROM generate_series(1, 1000) g").fetchSize(10).execute().subscribe(pager);
            int stale = 100;
            List<CompletableFuture<RowSet>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(i == stale ? c.query("SELECT * FROM pipe_log") : c.query("INSERT INTO pipe_log (n) VALUES ($1)", i));
            }
            assertThat(futures).as("all held behind the paged stream").noneMatch(CompletableFuture::isDone);
            pager.cancel();
            for (int i = 0; i < 200; i++) {
                if (i == stale) {
                    // a transparent re-run would go to the end of the FIFO and see all 199 rows
                    Throwable error = failure(futures.get(i));
                    assertThat(error).isInstanceOf(PgStaleStatementException.class);
                    assertThat(((PgServerException) error).sqlState()).contains("0A000");
                } else {
                    assertThat(await(futures.get(i)).rowsAffected()).isEqualTo(1);
                }
            }
            RowSet disorder = await(c.query("SELECT count(*) FROM (SELECT n, lag(n) OVER (ORDER BY seq) AS prev FROM pipe_log) s WHERE prev > n"));
            assertThat(disorder.single(Long.class)).isZero();
            // the entry was dropped: running it again prepares it with its new row type
            RowSet again = await(c.query("SELECT * FROM pipe_log"));
            assertThat(again.metadata().names()).containsExactly("seq", "n", "extra");
            assertThat(again.size()).isEqualTo(199);
        } finally {
            await(c.close());
        }
    }

    @Test
    void inATransactionTheStaleStatementFailsOnceAndWorksAfterTheRollback() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE altered_tx (id int)"));
            await(c.query("SELECT * FROM altered_tx WHERE id = $1", 1));
            await(c.simpleQuery("ALTER TABLE altered_tx ADD COLUMN b int"));
            await(c.begin());
            // inside a transaction block a retry would only meet 25P02: the error is the caller's, and says it is
            // stale (user13's F3: pgconn-r2dbc makes it a rollback, which a retry policy retries)
            Throwable error = io.pgconn.testing.Connect.failure(c.query("SELECT * FROM altered_tx WHERE id = $1", 1));
            assertThat(error).isInstanceOf(PgStaleStatementException.class)
                    .hasMessageContaining("cached prepared statement was dropped and is prepared anew when run again");
            assertThat(((io.pgconn.PgException) error).sqlState()).contains("0A000");
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.FAILED);
            await(c.rollback());
            // the transaction run again: the entry was dropped, so the statement is prepared anew inside it
            await(c.begin());
            assertThat(await(c.query("SELECT * FROM altered_tx WHERE id = $1", 1)).metadata().names()).containsExactly("id", "b");
            await(c.commit());
        } finally {
            await(c.close());
        }
    }

    /**
     * The server lexes a text once, at its Parse: a backslash in a plain literal is a character under
     * standard_conforming_strings on and an escape under off, so a statement cached under one setting
     * is not run under the other (it returned {@code a\q} after the SET; the unnamed path gave {@code aq}).
     */
    @Test
    void aStatementCachedUnderOneStandardConformingStringsIsParsedAgainUnderTheOther() {
        String sql = "SELECT 'a\\q'::text || $1::text"; // SQL: SELECT 'a\q'::text || $1::text
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(await(c.query(sql, "!")).single(String.class)).isEqualTo("a\\q!");
            await(c.simpleQuery("SET standard_conforming_strings = off"));
            assertThat(await(c.query(sql, "!")).single(String.class)).isEqualTo("aq!");
            assertThat(await(c.query(sql, "?")).single(String.class)).isEqualTo("aq?"); // cached again, under off
            await(c.simpleQuery("SET standard_conforming_strings = on"));
            assertThat(await(c.query(sql, "!")).single(String.class)).isEqualTo("a\\q!");
            // the statements parsed under the other setting were closed, not left on the server
            assertThat(serverStatements(c)).containsExactly(sql);
        } finally {
            await(c.close());
        }
    }

    @Test
    void discardAllForgetsTheCacheSoStatementsArePreparedAgain() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(await(c.query("SELECT $1::text || 'a'", "x")).single(String.class)).isEqualTo("xa");
            await(c.simpleQuery("DISCARD ALL"));
            assertThat(serverStatements(c)).isEmpty();
            assertThat(await(c.query("SELECT $1::text || 'a'", "y")).single(String.class)).isEqualTo("ya");
            // DISCARD ALL run as a prepared statement is seen too
            await(c.query("DISCARD ALL"));
            assertThat(await(c.query("SELECT $1::text || 'a'", "z")).single(String.class)).isEqualTo("za");
            assertThat(serverStatements(c)).containsExactly("SELECT $1::text || 'a'");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementDeallocatedBehindTheCachesBackIsPreparedAgain() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.query("SELECT $1::int + 100", 1));
            String name = await(c.simpleQuery("SELECT name FROM pg_prepared_statements")).singleValue();
            await(c.simpleQuery("DEALLOCATE " + name)); // the server answers the next Bind with 26000
            assertThat(await(c.query("SELECT $1::int + 100", 1)).single(Integer.class)).isEqualTo(101);
            // the session's own DEALLOCATE explains the 26000: prepared again, named — not taken for a pooler's
            // shared server session, which would turn the cache off (NEW-USER-21 F1)
            assertThat(serverStatements(c)).containsExactly("SELECT $1::int + 100");
        } finally {
            await(c.close());
        }
    }
}
