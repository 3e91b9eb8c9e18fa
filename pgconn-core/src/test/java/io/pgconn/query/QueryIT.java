package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.QueryResult;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** Parameterized queries, batches and pipelining through the extended query protocol. */
class QueryIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void queryBindsParametersAndReadsTypedColumns() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            UUID id = UUID.randomUUID();
            RowSet rows = await(c.query("SELECT $1::int + 1 AS next, $2 AS name, $3::uuid AS id, $4::numeric * 2 AS big,"
                    + " $5::date AS day, $6::bool AS flag, $7::text AS nothing",
                    41, "ünïcode", id, new BigDecimal("12345678901234567890.5"), LocalDate.of(2024, 2, 29), true, null));
            assertThat(rows.size()).isEqualTo(1);
            Row row = rows.row(0);
            assertThat(row.get("next", Integer.class)).isEqualTo(42);
            assertThat(row.get(0)).isEqualTo(42);
            assertThat(row.get("NAME", String.class)).isEqualTo("ünïcode");
            assertThat(row.get("id", UUID.class)).isEqualTo(id);
            assertThat(row.get("big", BigDecimal.class)).isEqualByComparingTo("24691357802469135781.0");
            assertThat(row.get("day", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
            assertThat(row.get("flag", Boolean.class)).isTrue();
            assertThat(row.isNull("nothing")).isTrue();
            assertThat(row.get("nothing", String.class)).isNull();
            assertThat(row.metadata().names()).containsExactly("next", "name", "id", "big", "day", "flag", "nothing");
            assertThat(row.getOid(0)).isEqualTo(23);
            assertThat(rows.commandTag()).isEqualTo("SELECT 1");
            assertThat(rows.rowsAffected()).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    /**
     * The bulk load that query.md §6 and the README recommend instead of COPY, as written there: one INSERT of
     * array parameters through {@code unnest} (new user 11 F4: 366 ms per 100,000 rows against 840–1141 ms for
     * batches of parameter sets). Text with commas, quotes, braces and a NULL arrives as sent.
     */
    @Test
    void aBulkLoadThroughUnnestOfArrayParametersInsertsEveryRowAsSent() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE bulk_item (name text, qty int)"));
            int n = 10_000;
            String[] names = new String[n];
            int[] quantities = new int[n];
            for (int i = 0; i < n; i++) {
                names[i] = "item " + i;
                quantities[i] = i;
            }
            names[1] = "a, \"quoted\" {braced} \\ name";
            names[2] = null;
            RowSet inserted = await(c.query("INSERT INTO bulk_item (name, qty) SELECT * FROM unnest($1::text[], $2::int[])",
                    names, quantities));
            assertThat(inserted.rowsAffected()).isEqualTo(n);
            Row totals = await(c.query("SELECT count(*), sum(qty), count(*) FILTER (WHERE name IS NULL) FROM bulk_item")).row(0);
            assertThat(totals.getLong(0)).isEqualTo(n);
            assertThat(totals.getLong(1)).isEqualTo((long) n * (n - 1) / 2);
            assertThat(totals.getLong(2)).isEqualTo(1);
            assertThat(await(c.query("SELECT name FROM bulk_item WHERE qty = 1")).single(String.class)).isEqualTo(names[1]);
            assertThat(await(c.query("SELECT name FROM bulk_item WHERE qty = 9999")).single(String.class)).isEqualTo("item 9999");
        } finally {
            await(c.close());
        }
    }

    @Test
    void statementRunsABatchWithOneResultPerParameterSetAndTypedNulls() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE batch_t (id serial PRIMARY KEY, n int, label text)"));
            List<RowSet> results = await(c.statement("INSERT INTO batch_t (n, label) VALUES ($1, $2) RETURNING id, n")
                    .bind(0, 1).bind(1, "one").add()
                    .bind(0, 2).bindNull(1, String.class).add()
                    .bindNull(0, Integer.class).bind(1, "three")
                    .collect());
            assertThat(results).hasSize(3);
            assertThat(results).extracting(RowSet::commandTag).containsExactly("INSERT 0 1", "INSERT 0 1", "INSERT 0 1");
            assertThat(results.get(1).row(0).get("n", Integer.class)).isEqualTo(2);
            assertThat(results.get(2).row(0).isNull("n")).isTrue();
            RowSet updated = await(c.query("UPDATE batch_t SET label = $1 WHERE n IS NOT NULL", "x"));
            assertThat(updated.rowsAffected()).isEqualTo(2);
            assertThat(updated.metadata().size()).isZero();
        } finally {
            await(c.close());
        }
    }

    @Test
    void incompleteOrInvalidBindingsFailTheCallNotTheConnection() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(failure(c.statement("SELECT $1, $2").bind(1, 2).collect()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("parameter $1 is not bound");
            assertThat(failure(c.statement("SELECT $1::int, $2::int").bind(0, 1).bind(1, 2).add().bind(0, 3).collect()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("parameter $2 is not bound in parameter set 2 (index 1)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.statement("SELECT $1").bind(-1, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an index runs from 0 ($1)")
                    .hasMessageContaining(c.host());
            // refused before sending (the server would answer 08P01 after a round trip): host and both counts, no value
            assertThat(failure(c.query("SELECT $1::int + $2::int", 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("1 parameter given, but the statement for " + c.host() + " takes 2 parameters ($1 to $2); nothing was sent");
            assertThat(failure(c.query("SELECT $1::int", 1, 2))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 parameters given").hasMessageContaining("takes 1 parameter ($1)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.statement("SELECT $1::int").bind(5, 1))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("parameter index 5 ($6)")
                    .hasMessageContaining("takes 1 parameter ($1)");
            // several statements: not judged here, the server refuses them in one Parse
            assertThat(((PgServerException) failure(c.query("SELECT $1::int; SELECT 2", 1))).sqlState()).contains("42601");
            // a trailing add() with nothing bound after it is ignored (R2DBC's rule): the statement runs once
            assertThat(await(c.statement("SELECT $1::int").bind(0, 1).add().collect())).hasSize(1);
            assertThat(await(c.query("SELECT 'usable'")).single(String.class)).isEqualTo("usable");
        } finally {
            await(c.close());
        }
    }

    @Test
    void parametersAreCountedAsTheServerReadsTheTextUnderStandardConformingStringsOff() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("SET standard_conforming_strings = off"));
            assertThat(c.parameter("standard_conforming_strings")).isEqualTo("off");
            // off: 'a\'' and '\'$2' are literals, $1 is the only parameter (read as 'on', the text has none)
            String sql = "SELECT 'a\\'' || $1::text || '\\'$2'";
            assertThat(await(c.query(sql, "b")).single(String.class)).isEqualTo("a'b'$2");
            assertThat(c.sqlShape(sql).parameterCount()).isEqualTo(1);
            await(c.simpleQuery("SET standard_conforming_strings = on"));
            assertThat(c.sqlShape(sql).parameterCount()).isZero();
            assertThat(failure(c.query(sql, "b"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no parameters");
        } finally {
            await(c.close());
        }
    }

    /**
     * A statement object made before a {@code SET standard_conforming_strings} reads its text as the
     * server does after it: it kept the shape of its creation, so under off it refused to bind the $1
     * the server sees, and under on it sent a Bind with a value the server's statement does not take.
     */
    @Test
    void aStatementObjectReadsItsTextUnderTheStandardConformingStringsOfItsExecution() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            String sql = "SELECT 'a\\'' || $1::text || '\\'$2'"; // on: no parameter; off: $1 only
            PgStatement madeUnderOn = c.statement(sql);
            await(c.simpleQuery("SET standard_conforming_strings = off"));
            madeUnderOn.bind(0, "b");
            assertThat(await(madeUnderOn.collect()).get(0).single(String.class)).isEqualTo("a'b'$2");

            PgStatement madeUnderOff = c.statement(sql).bind(0, "b");
            await(c.simpleQuery("SET standard_conforming_strings = on"));
            assertThat(failure(madeUnderOff.collect())).isInstanceOf(IllegalStateException.class)
                    .hasMessage("parameter $1 is bound, but the statement for " + c.host()
                            + " takes no parameters as standard_conforming_strings is now on; nothing was sent");
            assertThat(await(c.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aThousandPipelinedStatementsAreAnsweredInOrderAndOneFailureFailsOnlyItself() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE pipe_t (seq serial PRIMARY KEY, n int NOT NULL)"));
            int failing = 500;
            List<CompletableFuture<RowSet>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(i == failing
                        ? c.query("INSERT INTO pipe_t (n) VALUES ($1 / 0) RETURNING n", i)
                        : c.query("INSERT INTO pipe_t (n) VALUES ($1) RETURNING n", i));
            }
            for (int i = 0; i < 1000; i++) {
                if (i == failing) {
                    PgServerException error = (PgServerException) failure(futures.get(i));
                    assertThat(error.sqlState()).contains("22012");
                } else {
                    assertThat(await(futures.get(i)).row(0).get(0, Integer.class)).isEqualTo(i);
                }
            }
            assertThat(await(c.query("SELECT count(*) FROM pipe_t")).single(Long.class)).isEqualTo(999L);
            // executed in submission order: seq follows n
            RowSet disorder = await(c.query("SELECT count(*) FROM (SELECT n, lag(n) OVER (ORDER BY seq) AS prev FROM pipe_t) s WHERE prev > n"));
            assertThat(disorder.single(Long.class)).isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    /**
     * On the event loop (in a callback), a query and a simpleQuery issued one after the other reach
     * the server in that order: the query is queued inline, not in a later task that the simple
     * query would overtake. The sequence numbers show the server's order.
     */
    @Test
    void statementsStartedInACallbackReachTheServerInCallOrder() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TEMP SEQUENCE call_order"));
            CompletableFuture<List<Long>> order = c.query("SELECT 1").thenCompose(first -> {
                CompletableFuture<RowSet> extended = c.query("SELECT nextval('call_order')");
                CompletableFuture<QueryResult> simple = c.simpleQuery("SELECT nextval('call_order')");
                return extended.thenCombine(simple, (a, b) -> List.of(a.row(0).getLong(0),
                        Long.parseLong(b.singleValue())));
            });
            assertThat(await(order)).containsExactly(1L, 2L);
        } finally {
            await(c.close());
        }
    }

    /** A row bigger than 64 KB (many socket reads) is read whole. */
    @Test
    void aRowOverSixtyFourKilobytesIsReadWhole() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            RowSet rows = await(c.query("SELECT repeat('x', 100000) AS big, $1::int AS n, NULL::text AS none", 7));
            Row row = rows.row(0);
            assertThat(row.getString(0)).hasSize(100_000).matches("x+");
            assertThat(row.getInt(1)).isEqualTo(7);
            assertThat(row.isNull(2)).isTrue();
        } finally {
            await(c.close());
        }
    }

    /**
     * A subscriber that resubscribes on every error (Reactor's retry()) against a closed connection:
     * each failure arrives in an event-loop task of its own, so 20,000 attempts do not recurse on
     * the loop's stack (inline failing would end in a StackOverflowError).
     */
    @Test
    void resubscribingOnEveryErrorOfAClosedConnectionDoesNotRecurse() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        await(c.close());
        java.util.concurrent.Flow.Publisher<Segment> publisher = c.statement("SELECT 1").execute();
        CompletableFuture<Integer> attempts = new CompletableFuture<>();
        publisher.subscribe(new java.util.concurrent.Flow.Subscriber<Segment>() {
            private int errors;

            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Segment item) {
                attempts.completeExceptionally(new AssertionError("a row from a closed connection"));
            }

            @Override
            public void onError(Throwable error) {
                if (++errors < 20_000) {
                    publisher.subscribe(this);
                } else {
                    attempts.complete(errors);
                }
            }

            @Override
            public void onComplete() {
                attempts.completeExceptionally(new AssertionError("completed on a closed connection"));
            }
        });
        assertThat(await(attempts)).isEqualTo(20_000);
    }
}
