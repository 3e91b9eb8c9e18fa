package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.RowMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a {@link Result} is read on the path Spring's DatabaseClient takes ({@code Result.map}): rows with the
 * reader's demand, a throwing mapping function, cancellation, one read per result, and the row metadata the
 * driver keeps per prepared statement.
 */
class ResultReadingIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-result-reading", 0).build();

    private static PgConnR2dbcConnectionFactory factory;
    private static Connection connection;

    @BeforeAll
    static void connect() {
        factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
        connection = Mono.from(factory.create()).block(STEP);
    }

    @AfterAll
    static void close() {
        if (connection != null) {
            Mono.from(connection.close()).block(STEP);
        }
        if (factory != null) {
            factory.close();
        }
    }

    private static Result execute(String sql, Object... parameters) {
        var statement = connection.createStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.bind(i, parameters[i]);
        }
        return Mono.from(statement.execute()).block(STEP);
    }

    private static int selectOne() {
        return Flux.from(execute("SELECT 1 AS one").map(row -> row.get(0, Integer.class))).blockLast(STEP);
    }

    /**
     * New user 19's F7, as documented (codecs.md, r2dbc.md §2): {@code Object} is the column's class here — numeric's
     * {@code BigDecimal}, as the metadata says — so a numeric NaN, which has no BigDecimal, fails naming {@code Double},
     * and reads as {@code Double.NaN} (the core's {@code Object} read gives the Double).
     */
    @Test
    void aNumericNanReadAsObjectIsTheColumnsClassSoItReadsAsDouble() {
        assertThatThrownBy(() -> Flux.from(execute("SELECT 'NaN'::numeric AS nan").map(row -> row.get("nan"))).blockLast(STEP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN has no BigDecimal; read it as Double");
        assertThat(Flux.from(execute("SELECT 'NaN'::numeric AS nan").map(row -> row.get("nan", Double.class))).blockLast(STEP)).isNaN();
        assertThat(selectOne()).as("the connection reads on").isEqualTo(1);
    }

    /**
     * AUDIT-14 L1: a reader that asks for no rows from inside {@code onNext} (Reactive Streams §3.9) gets its
     * {@link IllegalArgumentException}. The core signals it at once, back into the driver while the row was being
     * handed on, and the driver dropped it: the reader was never terminated, its read never ended. (A
     * {@code CoreSubscriber} of its own, which Reactor hands {@code request(0)} to as it is: a plain
     * {@code Subscriber} is wrapped in Reactor's {@code StrictSubscriber}, which answers §3.9 itself, and a
     * {@code BaseSubscriber} drops the request.)
     */
    @Test
    void aReaderAskingForNoRowsInsideOnNextGetsItsIllegalArgumentException() throws Exception {
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        CompletableFuture<Subscription> subscribed = new CompletableFuture<>();
        execute("SELECT g FROM generate_series(1, 10) g").map(row -> row.get(0, Integer.class)).subscribe(new CoreSubscriber<Integer>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscribed.complete(subscription);
                subscription.request(1);
            }

            @Override
            public void onNext(Integer row) {
                subscribed.join().request(0);
            }

            @Override
            public void onError(Throwable error) {
                end.complete(error);
            }

            @Override
            public void onComplete() {
                end.complete(null);
            }
        });
        try {
            assertThat(end.get(STEP.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("§3.9");
        } finally {
            subscribed.join().cancel(); // a read left in progress would hold the shared connection
        }
        assertThat(selectOne()).isEqualTo(1);
    }

    /**
     * Demand from another thread than the session's event loop, as WebFlux writing NDJSON or {@code publishOn}
     * asks: a row may arrive before the one before it was handed on. Every row comes, once, in order.
     */
    @Test
    void everyRowComesWhenTheReaderAsksFromAnotherThread() {
        List<Integer> expected = IntStream.rangeClosed(1, 1000).boxed().toList();
        for (int run = 0; run < 10; run++) {
            List<Integer> prefetched = Flux.from(execute("SELECT g FROM generate_series(1, 1000) g").map(row -> row.get("g", Integer.class)))
                    .publishOn(Schedulers.parallel(), 32)
                    .collectList().block(STEP);
            assertThat(prefetched).as("run %d, publishOn(parallel, 32)", run).containsExactlyElementsOf(expected);
            List<Integer> limited = Flux.from(execute("SELECT g FROM generate_series(1, 1000) g").map(row -> row.get("g", Integer.class)))
                    .subscribeOn(Schedulers.single())
                    .limitRate(7)
                    .publishOn(Schedulers.boundedElastic(), 5)
                    .collectList().block(STEP);
            assertThat(limited).as("run %d, limitRate(7)", run).containsExactlyElementsOf(expected);
        }
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void everyRowComesUnderAFetchSizeWhenTheReaderAsksFromAnotherThread() {
        for (int run = 0; run < 3; run++) {
            var statement = connection.createStatement("SELECT g FROM generate_series(1, 100000) g").fetchSize(1000);
            List<Integer> rows = Flux.from(statement.execute())
                    .concatMap(result -> result.map(row -> row.get("g", Integer.class)))
                    .publishOn(Schedulers.parallel(), 256)
                    .collectList().block(STEP);
            assertThat(rows).as("run %d", run).hasSize(100_000);
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i) != i + 1) {
                    throw new AssertionError("run " + run + ": row " + (i + 1) + " is " + rows.get(i));
                }
            }
        }
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void rowsComeWithTheReadersDemandOneAtATime() {
        Flux<Integer> rows = Flux.from(execute("SELECT g FROM generate_series(1, 5) g").map(row -> row.get("g", Integer.class)));
        StepVerifier.create(rows, 0)
                .thenRequest(1).expectNext(1)
                .thenRequest(1).expectNext(2)
                .thenRequest(2).expectNext(3, 4)
                .thenRequest(1).expectNext(5)
                .expectComplete() // without more demand: the completion after the last row is not waiting for it
                .verify(STEP);
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void aReaderThatAsksForExactlyTheRowsThereAreSeesTheEnd() {
        Flux<Integer> rows = Flux.from(execute("SELECT g FROM generate_series(1, 3) g").map(row -> row.get(0, Integer.class)));
        StepVerifier.create(rows, 3).expectNext(1, 2, 3).expectComplete().verify(STEP);
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void aStatementWithoutRowsCompletesTheMappedReadEmpty() {
        execute("CREATE TEMP TABLE IF NOT EXISTS reading_empty (v int)");
        StepVerifier.create(execute("INSERT INTO reading_empty VALUES ($1)", 7).map(row -> row.get(0)))
                .expectComplete()
                .verify(STEP);
        assertThat(Flux.from(execute("SELECT count(*) FROM reading_empty").map(row -> row.get(0, Long.class))).blockLast(STEP))
                .isEqualTo(1L);
    }

    @Test
    void aMappingFunctionThatThrowsFailsTheReadAndLeavesTheConnectionUsable() {
        Flux<Integer> rows = Flux.from(execute("SELECT g FROM generate_series(1, 1000) g").map(row -> {
            int value = row.get(0, Integer.class);
            if (value == 2) {
                throw new IllegalStateException("mapping failed at row " + value);
            }
            return value;
        }));
        StepVerifier.create(rows)
                .expectNext(1)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalStateException.class)
                        .hasMessage("mapping failed at row 2"))
                .verify(STEP);
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void cancellingAReadStopsItAndLeavesTheConnectionUsable() {
        List<Integer> firstTwo = Flux.from(execute("SELECT g FROM generate_series(1, 200000) g").map(row -> row.get(0, Integer.class)))
                .take(2).collectList().block(STEP);
        assertThat(firstTwo).containsExactly(1, 2);
        assertThat(selectOne()).isEqualTo(1);
    }

    /** Class 22 (data exception) is bad input: a data integrity violation, as Spring over pgjdbc has it. */
    @Test
    void aServerErrorIsTheR2dbcExceptionOfItsSqlState() {
        StepVerifier.create(execute("SELECT 1 / (g - g) FROM generate_series(1, 1) g").map(row -> row.get(0)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .hasMessageContaining("division by zero")
                        .extracting(e -> ((R2dbcException) e).getSqlState()).isEqualTo("22012"))
                .verify(STEP);
        assertThat(selectOne()).isEqualTo(1);
        StepVerifier.create(execute("SELECT $1::int + 1", 2147483647).map(row -> row.get(0)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .extracting(e -> ((R2dbcException) e).getSqlState()).isEqualTo("22003"))
                .verify(STEP);
        StepVerifier.create(execute("SELECT 'abc'::int").getRowsUpdated())
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .extracting(e -> ((R2dbcException) e).getSqlState()).isEqualTo("22P02"))
                .verify(STEP);
        StepVerifier.create(execute("SELECT * FROM no_such_table").getRowsUpdated())
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcBadGrammarException.class)
                        .extracting(e -> ((R2dbcException) e).getSqlState()).isEqualTo("42P01"))
                .verify(STEP);
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void aResultIsReadOnce() {
        Result result = execute("SELECT 1");
        assertThat(Flux.from(result.map(row -> row.get(0, Integer.class))).blockLast(STEP)).isEqualTo(1);
        assertThatThrownBy(() -> Flux.from(result.map(row -> row.get(0, Integer.class))).blockLast(STEP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already been read");
    }

    @Test
    void rowMetadataIsKeptPerPreparedStatementAndNotMixedUpBetweenStatements() {
        String sql = "SELECT $1::int AS id, 'x'::text AS name";
        RowMetadata first = Flux.from(execute(sql, 1).map((row, metadata) -> metadata)).blockLast(STEP);
        RowMetadata second = Flux.from(execute(sql, 2).map((row, metadata) -> metadata)).blockLast(STEP);
        assertThat(second).as("the same prepared statement's description").isSameAs(first);
        assertThat(first.getColumnMetadatas()).extracting(column -> column.getName()).containsExactly("id", "name");
        assertThat(first.getColumnMetadata("NAME").getJavaType()).isEqualTo(String.class);

        RowMetadata other = Flux.from(execute("SELECT $1::bigint AS total", 3L).map((row, metadata) -> metadata)).blockLast(STEP);
        assertThat(other).isNotSameAs(first);
        assertThat(other.getColumnMetadatas()).extracting(column -> column.getName()).containsExactly("total");
        assertThat(Flux.from(execute("SELECT $1::bigint AS total", 4L).map(row -> row.get("total"))).blockLast(STEP))
                .isEqualTo(4L);
    }

    /**
     * A statement created before a {@code SET standard_conforming_strings} counts its parameters as the
     * server reads the text when it is bound and executed: it kept the count of its creation, so under
     * off it refused the $1 the server sees.
     */
    @Test
    void aStatementCountsItsParametersUnderTheStandardConformingStringsOfItsExecution() {
        Connection own = Mono.from(factory.create()).block(STEP);
        try {
            String sql = "SELECT 'a\\'' || $1::text || '\\'$2' AS v"; // on: no parameter; off: $1 only
            var madeUnderOn = own.createStatement(sql);
            Flux.from(own.createStatement("SET standard_conforming_strings = off").execute())
                    .flatMap(Result::getRowsUpdated).blockLast(STEP);
            madeUnderOn.bind("$1", "b");
            assertThat(Flux.from(madeUnderOn.execute()).flatMap(r -> r.map(row -> row.get("v", String.class))).blockLast(STEP))
                    .isEqualTo("a'b'$2");

            var madeUnderOff = own.createStatement(sql).bind(0, "b");
            Flux.from(own.createStatement("SET standard_conforming_strings = on").execute())
                    .flatMap(Result::getRowsUpdated).blockLast(STEP);
            assertThatThrownBy(madeUnderOff::execute).isInstanceOf(IllegalStateException.class)
                    .hasMessage("$1 is bound, but the statement has 0 parameters (standard_conforming_strings is now on);"
                            + " nothing was sent by execute()");
        } finally {
            Mono.from(own.close()).block(STEP);
        }
    }

    /**
     * Generated values come whatever follows the statement: {@code RETURNING} was appended after a
     * trailing {@code -- comment} (inside it) or after a {@code ;} followed by one, so the insert ran
     * and returned nothing.
     */
    @Test
    void generatedValuesComeAfterATrailingCommentOrSemicolon() {
        Connection own = Mono.from(factory.create()).block(STEP);
        try {
            Flux.from(own.createStatement("CREATE TEMP TABLE generated (id serial, v text)").execute())
                    .flatMap(Result::getRowsUpdated).blockLast(STEP);
            List<Integer> ids = Flux.just("INSERT INTO generated (v) VALUES ('a') -- the first",
                            "INSERT INTO generated (v) VALUES ('b'); -- done",
                            "INSERT INTO generated (v) VALUES ('c') /* last */ ;")
                    .concatMap(sql -> Flux.from(own.createStatement(sql).returnGeneratedValues("id").execute())
                            .concatMap(result -> result.map(row -> row.get("id", Integer.class))))
                    .collectList().block(STEP);
            assertThat(ids).containsExactly(1, 2, 3);
        } finally {
            Mono.from(own.close()).block(STEP);
        }
    }

    /**
     * REVIEW-20 R7: RETURNING appended to a statement that cannot take one reached the server as a 42601 "syntax error
     * at or near RETURNING" about text the application never wrote; it is refused at returnGeneratedValues. A WITH
     * statement is judged by its main statement; a RETURNING inside parentheses, a literal or a comment is not the
     * statement's own; a quoted column name is passed quoted.
     */
    @Test
    void generatedValuesAreRefusedForAStatementThatCannotTakeReturning() {
        Connection own = Mono.from(factory.create()).block(STEP);
        try {
            Flux.from(own.createStatement("CREATE TEMP TABLE refused (\"orderId\" serial, v text)").execute())
                    .flatMap(Result::getRowsUpdated).blockLast(STEP);
            assertThatThrownBy(() -> own.createStatement("SELECT 1").returnGeneratedValues())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("a SELECT, not an INSERT, UPDATE, DELETE or MERGE");
            assertThatThrownBy(() -> own.createStatement("INSERT INTO refused (v) VALUES ('a') RETURNING \"orderId\"")
                    .returnGeneratedValues("v")).isInstanceOf(IllegalStateException.class).hasMessageContaining("RETURNING clause already");
            assertThatThrownBy(() -> own.createStatement("WITH n AS (SELECT 1) UPDATE refused SET v = 'x' returning v")
                    .returnGeneratedValues()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
            assertThatThrownBy(() -> own.createStatement("CREATE TABLE t2 (id int)").returnGeneratedValues())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("a CREATE");

            List<String> generated = Flux.just("INSERT INTO refused (v) VALUES ('returning') -- no RETURNING here",
                            "WITH moved AS (DELETE FROM refused WHERE v = 'none' RETURNING v) INSERT INTO refused (v)"
                                    + " SELECT 'b' /* RETURNING */ WHERE NOT EXISTS (SELECT v FROM moved)")
                    .concatMap(sql -> Flux.from(own.createStatement(sql).returnGeneratedValues("\"orderId\"", "v").execute())
                            .concatMap(result -> result.map(row -> row.get("orderId", Integer.class) + row.get("v", String.class))))
                    .collectList().block(STEP);
            assertThat(generated).containsExactly("1returning", "2b");
        } finally {
            Mono.from(own.close()).block(STEP);
        }
    }
}
