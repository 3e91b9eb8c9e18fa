package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A script (several statements without parameters, or a Batch) runs to its end once its publisher of
 * results is subscribed, also when the reader takes only the first result ({@code Mono.from} cancels the
 * rest), as a simple-query script does on r2dbc-postgresql; the results nobody reads are discarded. And it
 * has that script's semantics: one implicit transaction outside a transaction, ended by the first error.
 */
class ScriptExecutionIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-script", 0).build();

    private static PgConnR2dbcConnectionFactory factory;
    private static JdbcTemplate jdbc;
    private Connection connection;

    @BeforeAll
    static void factory() {
        factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
        jdbc = new JdbcTemplate(R2dbcTestServer.dataSource(PG.primary()));
    }

    @AfterAll
    static void closeFactory() {
        if (factory != null) {
            factory.close();
        }
    }

    @BeforeEach
    void connect() {
        jdbc.execute("DROP TABLE IF EXISTS m1, m2, m3, items, children, parents");
        connection = Mono.from(factory.create()).block(STEP);
    }

    @AfterEach
    void close() {
        if (connection != null) {
            Mono.from(connection.close()).block(STEP);
        }
    }

    private long firstResultOnly(Publisher<? extends Result> results) {
        return Mono.from(results).flatMap(result -> Mono.from(result.getRowsUpdated()).defaultIfEmpty(-1L)).block(STEP);
    }

    private List<String> tablesSeenByTheConnection() {
        return Flux.from(connection.createStatement(
                        "SELECT relname FROM pg_class WHERE relname IN ('m1', 'm2', 'm3') AND relkind = 'r' ORDER BY relname").execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class))).collectList().block(STEP);
    }

    private long itemsSeenByTheConnection() {
        return Flux.from(connection.createStatement("SELECT count(*) FROM items").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(STEP);
    }

    /** The user's reproducer: only the first Result is read. */
    @Test
    void aDdlScriptRunsWholeWhenOnlyItsFirstResultIsRead() {
        firstResultOnly(connection.createStatement("CREATE TABLE m1 (x int); CREATE TABLE m2 (x int); CREATE TABLE m3 (x int)").execute());
        assertThat(tablesSeenByTheConnection()).containsExactly("m1", "m2", "m3");
    }

    /** Run on the server even when the connection does nothing more: seen from another session. */
    @Test
    void theRestOfTheScriptRunsWithoutWaitingForTheConnectionsNextOperation() {
        firstResultOnly(connection.createStatement("CREATE TABLE m1 (x int); CREATE TABLE m2 (x int)").execute());
        awaitCondition("m2 created by the script's second statement", STEP,
                () -> Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass('m2') IS NOT NULL", Boolean.class)));
    }

    @Test
    void anInsertScriptHasAllItsEffectsForTheNextQuery() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        long first = firstResultOnly(connection.createStatement("INSERT INTO items VALUES (1); INSERT INTO items VALUES (2), (3)").execute());
        assertThat(first).isEqualTo(1);
        assertThat(itemsSeenByTheConnection()).isEqualTo(3);
    }

    @Test
    void aScriptInsideATransactionRunsWholeBeforeTheCommit() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        Mono.from(connection.beginTransaction()).block(STEP);
        firstResultOnly(connection.createStatement("INSERT INTO items VALUES (1); INSERT INTO items VALUES (2); INSERT INTO items VALUES (3)").execute());
        assertThat(itemsSeenByTheConnection()).isEqualTo(3);
        Mono.from(connection.commitTransaction()).block(STEP);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM items", Long.class)).isEqualTo(3);
    }

    @Test
    void aBatchRunsWholeWhenOnlyItsFirstResultIsRead() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        firstResultOnly(connection.createBatch().add("INSERT INTO items VALUES (1)").add("INSERT INTO items VALUES (2)").execute());
        assertThat(itemsSeenByTheConnection()).isEqualTo(2);
    }

    /** Subscribed, then cancelled before any result was handed out: every statement still runs, in order. */
    @Test
    void aScriptWhoseResultsAreAllCancelledStillRunsInOrder() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        StepVerifier.create(connection.createStatement("INSERT INTO items VALUES (1); UPDATE items SET id = id + 10").execute(), 0)
                .thenCancel().verify(STEP);
        assertThat(Flux.from(connection.createStatement("SELECT id FROM items").execute())
                .flatMap(result -> result.map(row -> row.get(0, Integer.class))).collectList().block(STEP)).containsExactly(11);
    }

    /** Every result read: nothing runs twice, and the rows of each statement are its own. */
    @Test
    void aScriptReadWholeGivesOneResultPerStatement() {
        List<Long> counts = Flux.from(connection.createStatement("CREATE TABLE m1 (x int); INSERT INTO m1 VALUES (1), (2); SELECT * FROM m1")
                        .execute())
                .concatMap(result -> Mono.from(result.getRowsUpdated()).defaultIfEmpty(-1L)).collectList().block(STEP);
        assertThat(counts).hasSize(3);
        assertThat(counts.get(1)).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM m1", Long.class)).isEqualTo(2);
    }

    /**
     * PostgreSQL's script semantics: outside a transaction the script is one implicit transaction that
     * stops at the first error. The failing statement's Result signals the error, the one before it has
     * its count (rolled back with the rest), and no Result comes for the statement after it, which never ran.
     */
    @Test
    void aFailingMiddleStatementOfAScriptRollsBackTheScriptAndEndsIt() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        List<Result> results = Flux.<Result>from(connection.createStatement(
                "INSERT INTO items VALUES (1); INSERT INTO items VALUES (1); INSERT INTO items VALUES (3)").execute()).collectList().block(STEP);
        // every Result handed out is read in order below; the collectList before reading them must not hang either
        assertThat(results).hasSize(2);
        StepVerifier.create(results.get(0).getRowsUpdated()).expectNext(1L).verifyComplete();
        StepVerifier.create(results.get(1).getRowsUpdated())
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .hasMessageContaining("23505"))
                .verify(STEP);
        assertThat(itemsSeenByTheConnection()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM items", Long.class)).isZero();
    }

    @Test
    void aFailingMiddleStatementOfABatchRollsBackTheBatchAndEndsIt() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        List<Object> outcomes = Flux.from(connection.createBatch().add("INSERT INTO items VALUES (1)").add("SELECT 1 / 0")
                        .add("INSERT INTO items VALUES (3)").execute())
                .concatMap(result -> Flux.from(result.getRowsUpdated()).cast(Object.class)
                        .onErrorResume(error -> Mono.just(error.getClass().getSimpleName())))
                .collectList().block(STEP);
        assertThat(outcomes).containsExactly(1L, "R2dbcDataIntegrityViolationException");
        assertThat(itemsSeenByTheConnection()).isZero();
        // the connection goes on: a later batch commits
        Flux.from(connection.createBatch().add("INSERT INTO items VALUES (4)").add("INSERT INTO items VALUES (5)").execute())
                .concatMap(Result::getRowsUpdated).blockLast(STEP);
        assertThat(itemsSeenByTheConnection()).isEqualTo(2);
    }

    /**
     * Every statement completes, then the script's implicit transaction fails at its commit (a deferred
     * foreign key): nothing was committed, and the reader of the results hears it after the last count.
     */
    @Test
    void aScriptThatFailsAtItsCommitFailsItsResults() {
        jdbc.execute("CREATE TABLE parents (id int PRIMARY KEY)");
        jdbc.execute("CREATE TABLE children (id int PRIMARY KEY, parent int REFERENCES parents DEFERRABLE INITIALLY DEFERRED)");
        StepVerifier.create(Flux.from(connection.createBatch().add("INSERT INTO children VALUES (1, 42)")
                                .add("INSERT INTO children VALUES (2, 42)").execute())
                        .concatMap(Result::getRowsUpdated))
                .expectNext(1L, 1L)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .hasMessageContaining("23503"))
                .verify(STEP);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM children", Long.class)).isZero();
        assertThat(Flux.from(connection.createStatement("SELECT 1").execute())
                .concatMap(result -> result.map(row -> row.get(0, Integer.class))).blockLast(STEP)).isEqualTo(1);
    }

    /** Inside a transaction the failing statement fails the transaction, as a simple Query's would. */
    @Test
    void aFailingStatementOfAScriptInsideATransactionFailsTheTransaction() {
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY)");
        Mono.from(connection.beginTransaction()).block(STEP);
        Flux.from(connection.createStatement("INSERT INTO items VALUES (1); INSERT INTO items VALUES (2)").execute())
                .concatMap(Result::getRowsUpdated).blockLast(STEP);
        StepVerifier.create(Flux.from(connection.createStatement("INSERT INTO items VALUES (3); SELECT 1/0").execute())
                        .concatMap(Result::getRowsUpdated))
                .expectNext(1L).expectError().verify(STEP);
        StepVerifier.create(Flux.from(connection.createStatement("SELECT 1").execute()).concatMap(Result::getRowsUpdated))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("25P02")).verify(STEP);
        Mono.from(connection.rollbackTransaction()).block(STEP);
        assertThat(itemsSeenByTheConnection()).isZero();
    }

    /** Rows of every statement, read with bounded demand: each Result has its own rows, in order. */
    @Test
    void theRowsOfEachStatementComeToItsOwnResult() {
        List<List<Integer>> rows = Flux.from(connection.createStatement(
                        "SELECT n FROM generate_series(1, 100) n; SELECT 7; SELECT n FROM generate_series(1, 0) n; SELECT 8").execute())
                .concatMap(result -> Flux.from(result.map(row -> row.get(0, Integer.class))).limitRate(3).collectList())
                .collectList().block(STEP);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).hasSize(100).startsWith(1, 2, 3).endsWith(100);
        assertThat(rows.subList(1, 4)).containsExactly(List.of(7), List.of(), List.of(8));
    }

    /** A reader that takes only the first row of a statement cancels that Result only: the rest of it is dropped, the next Result comes. */
    @Test
    void aResultCancelledAfterItsFirstRowLetsTheNextResultsCome() {
        List<Integer> firsts = Flux.from(connection.createStatement(
                        "SELECT n FROM generate_series(1, 5000) n; SELECT 2; SELECT n FROM generate_series(3, 4000) n").execute())
                .concatMap(result -> Mono.from(result.map(row -> row.get(0, Integer.class))))
                .collectList().block(STEP);
        assertThat(firsts).containsExactly(1, 2, 3);
        assertThat(theConnectionAnswers()).isEqualTo(1); // nothing of the script is left in its way
    }

    /**
     * Results collected before any is read: the first statement's rows are read and dropped rather than
     * kept (they were all held in memory for a reader that might never come); its update count still
     * comes, reading its rows fails saying why, the next result reads as usual.
     */
    @Test
    void aResultSkippedByTheReaderOfResultsIsDroppedNotKept() {
        List<Result> results = Flux.<Result>from(connection.createStatement(
                "SELECT n, repeat('x', 100) FROM generate_series(1, 20000) n; SELECT 2").execute()).collectList().block(STEP);
        assertThat(results).hasSize(2);
        StepVerifier.create(results.get(0).map(row -> row.get(0, Integer.class)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("the rows of this result were dropped unread"))
                .verify(STEP);
        assertThat(Flux.from(results.get(1).map(row -> row.get(0, Integer.class))).blockLast(STEP)).isEqualTo(2);
        assertThat(theConnectionAnswers()).isEqualTo(1);
    }

    private int theConnectionAnswers() {
        return Flux.from(connection.createStatement("SELECT 1").execute()).flatMap(result -> result.map(row -> row.get(0, Integer.class)))
                .blockLast(STEP);
    }

    /**
     * Placeholders and statements are counted by the core's scanner, as the server reads the text: with
     * standard_conforming_strings off a backslash escapes a quote in a plain literal, so $1 here is a
     * parameter and '\'$2' a literal (the scanner pgconn-r2dbc had of its own counted none and refused bind(0)).
     */
    @Test
    void placeholdersAreCountedAsTheServerReadsTheText() {
        Flux.from(connection.createStatement("SET standard_conforming_strings = off").execute())
                .flatMap(Result::getRowsUpdated).blockLast(STEP);
        String value = Flux.from(connection.createStatement("SELECT 'a\\'' || $1::text || '\\'$2'").bind(0, "b").execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class))).blockLast(STEP);
        assertThat(value).isEqualTo("a'b'$2");
        // a comment after the last ';' is no statement of its own: one result
        assertThat(Flux.from(connection.createStatement("SELECT 1; SELECT 2; -- done").execute())
                .concatMap(result -> result.map(row -> row.get(0, Integer.class))).collectList().block(STEP)).containsExactly(1, 2);
    }
}
