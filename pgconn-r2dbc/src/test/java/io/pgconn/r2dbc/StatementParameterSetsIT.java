package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One statement with several parameter sets ({@code add()}, what jOOQ's {@code BatchSingle} makes) runs every set in
 * one exchange under one Sync: all or nothing outside a transaction, one Result per set, the failing set's Result
 * signals the error and none come after it; once subscribed every set runs, as a script (NEW-USER-22 F1: a failed
 * 25-set batch left rows committed, each set having run as its own implicit transaction).
 */
class StatementParameterSetsIT {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final int SETS = 25;

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-sets", 0).build();

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
        jdbc.execute("DROP TABLE IF EXISTS items");
        jdbc.execute("CREATE TABLE items (id int PRIMARY KEY, note text, data bytea)");
        connection = Mono.from(factory.create()).block(STEP);
    }

    @AfterEach
    void close() {
        if (connection != null) {
            Mono.from(connection.close()).block(STEP);
        }
    }

    /** INSERT of ids 1..25, set {@code duplicateAt} (1-based; 0: none) repeating id 1. */
    private Statement insert(int duplicateAt) {
        Statement statement = connection.createStatement("INSERT INTO items (id, note) VALUES ($1, $2)");
        for (int set = 1; set <= SETS; set++) {
            if (set > 1) {
                statement.add();
            }
            statement.bind(0, set == duplicateAt ? 1 : set).bind(1, "set " + set);
        }
        return statement;
    }

    private static long rowsCommitted() {
        return jdbc.queryForObject("SELECT count(*) FROM items", Long.class);
    }

    /** Each Result's count, or the simple name of its error, in order. */
    private static List<Object> outcomes(Flux<? extends Result> results) {
        return results.concatMap(result -> Flux.from(result.getRowsUpdated()).cast(Object.class)
                .onErrorResume(error -> Mono.just(error.getClass().getSimpleName()))).collectList().block(STEP);
    }

    /** The finding: set 13 of 25 violates the key; outside a transaction nothing is committed (main left 24 rows). */
    @Test
    void aFailingSetOutsideATransactionLeavesNoRowAndEndsTheResults() {
        List<Object> outcomes = outcomes(Flux.from(insert(13).execute()));
        assertThat(rowsCommitted()).isZero();
        assertThat(outcomes).hasSize(13);
        assertThat(outcomes.subList(0, 12)).containsOnly(1L);
        assertThat(outcomes.get(12)).isEqualTo("R2dbcDataIntegrityViolationException");
        // the connection goes on: the same 25 sets without the duplicate commit together
        assertThat(outcomes(Flux.from(insert(0).execute()))).hasSize(SETS).containsOnly(1L);
        assertThat(rowsCommitted()).isEqualTo(SETS);
    }

    /** The failing set's Result signals the error (SQLSTATE), read on its own after collecting the Results. */
    @Test
    void theFailingSetsResultCarriesTheErrorAndNoResultComesAfterIt() {
        List<Result> results = Flux.<Result>from(insert(3).execute()).collectList().block(STEP);
        assertThat(results).hasSize(3);
        StepVerifier.create(results.get(0).getRowsUpdated()).expectNext(1L).verifyComplete();
        StepVerifier.create(results.get(1).getRowsUpdated()).expectNext(1L).verifyComplete();
        StepVerifier.create(results.get(2).getRowsUpdated())
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .hasMessageContaining("23505"))
                .verify(STEP);
        assertThat(rowsCommitted()).isZero();
    }

    /** Inside a transaction the failing set fails the transaction; the rollback leaves nothing. */
    @Test
    void aFailingSetInsideATransactionFailsTheTransaction() {
        Mono.from(connection.beginTransaction()).block(STEP);
        assertThat(outcomes(Flux.from(insert(13).execute())).get(12)).isEqualTo("R2dbcDataIntegrityViolationException");
        StepVerifier.create(Flux.from(connection.createStatement("SELECT 1").execute()).concatMap(Result::getRowsUpdated))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("25P02")).verify(STEP);
        Mono.from(connection.rollbackTransaction()).block(STEP);
        assertThat(rowsCommitted()).isZero();
    }

    /** One Result per set, in the order of the sets, each with its own rows. */
    @Test
    void eachSetHasItsOwnResultInOrder() {
        Statement statement = connection.createStatement("INSERT INTO items (id, note) SELECT n, $2 FROM generate_series($1, $1 + 2) n RETURNING id");
        statement.bind(0, 10).bind(1, "a").add().bind(0, 20).bind(1, "b").add().bind(0, 30).bind(1, "c");
        List<List<Integer>> ids = Flux.from(statement.execute())
                .concatMap(result -> Flux.from(result.map(row -> row.get(0, Integer.class))).collectList())
                .collectList().block(STEP);
        assertThat(ids).containsExactly(List.of(10, 11, 12), List.of(20, 21, 22), List.of(30, 31, 32));
        assertThat(rowsCommitted()).isEqualTo(9);
    }

    /**
     * Once subscribed every set runs, also when the reader takes only the first Result ({@code Mono.from} cancels the
     * rest, as jOOQ's {@code Mono.from(query)} does): as a script. On main only the first set ran.
     */
    @Test
    void everySetRunsWhenOnlyTheFirstResultIsRead() {
        Long first = Mono.from(insert(0).execute()).flatMap(result -> Mono.from(result.getRowsUpdated())).block(STEP);
        assertThat(first).isEqualTo(1L);
        awaitCondition("the 25 sets committed", STEP, () -> rowsCommitted() == SETS);
        assertThat(Flux.from(connection.createStatement("SELECT count(*) FROM items").execute())
                .concatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(STEP)).isEqualTo((long) SETS);
    }

    /** Results collected and never read: every set ran, before the connection's next operation. */
    @Test
    void unreadResultsRunBeforeTheNextOperation() {
        List<Result> results = Flux.<Result>from(insert(0).execute()).collectList().block(STEP);
        assertThat(results).hasSize(SETS);
        assertThat(Flux.from(connection.createStatement("SELECT count(*) FROM items").execute())
                .concatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(STEP)).isEqualTo((long) SETS);
    }

    /** Blob parameters are read first, then the sets run together. */
    @Test
    void blobParametersAreReadFirst() {
        Statement statement = connection.createStatement("INSERT INTO items (id, data) VALUES ($1, $2)");
        statement.bind(0, 1).bind(1, Blob.from(Mono.just(ByteBuffer.wrap(new byte[] {1, 2}))))
                .add().bind(0, 2).bind(1, Blob.from(Flux.just(ByteBuffer.wrap(new byte[] {3}), ByteBuffer.wrap(new byte[] {4}))));
        assertThat(outcomes(Flux.from(statement.execute()))).containsExactly(1L, 1L);
        assertThat(jdbc.queryForList("SELECT encode(data, 'hex') FROM items ORDER BY id", String.class)).containsExactly("0102", "0304");
    }

    /**
     * The first set's values fix each parameter's type for every set (one Parse): a later set's value of another class
     * is written as that type when a codec can (a Long as int4 within its range), else the statement fails before
     * anything is sent, naming the parameter and the type; run one set per exchange, the server would have cast it.
     */
    @Test
    void theFirstSetsValuesFixEachParametersTypeForTheLaterSets() {
        Statement widening = connection.createStatement("INSERT INTO items (id, note) VALUES ($1, $2)");
        widening.bind(0, 1).bindNull(1, String.class).add().bind(0, 2L).bind(1, "b");
        assertThat(outcomes(Flux.from(widening.execute()))).containsExactly(1L, 1L);
        assertThat(jdbc.queryForList("SELECT coalesce(note, 'NULL') FROM items ORDER BY id", String.class)).containsExactly("NULL", "b");

        Statement text = connection.createStatement("INSERT INTO items (id, note) VALUES ($1, $2)");
        text.bind(0, 3).bind(1, "c").add().bind(0, "4").bind(1, "d");
        StepVerifier.create(Flux.from(text.execute()).concatMap(Result::getRowsUpdated))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("parameter $1 (index 0) was not sent")
                        .hasMessageContaining("java.lang.String as int4"))
                .verify(STEP);
        assertThat(rowsCommitted()).as("nothing of the statement was sent").isEqualTo(2);
    }
}
