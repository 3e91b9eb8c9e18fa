package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.Connect;
import io.pgconn.testing.StatementRecorder;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.PgTracer.StatementEnded;
import io.pgconn.trace.PgTracer.StatementKind;
import io.pgconn.trace.PgTracer.StatementOutcome;
import io.pgconn.trace.PgTracer.StatementStarted;
import io.pgconn.trace.StatementLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Statement events (docs/query.md §8) against a real server: one start and one end per statement, for
 * every way the core API runs one, with the server the connection is on, the rows, and how it ended;
 * never a parameter value.
 */
class StatementTraceIT {

    /** A parameter value that must appear in no event. */
    private static final String SECRET = "tr4ce-s3cret-value";

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    private static final StatementRecorder TRACER = new StatementRecorder();
    private static PgConnectionFactory factory;

    @BeforeAll
    static void factory() {
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2).tracer(TRACER).build();
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    @BeforeEach
    void clear() {
        TRACER.clear();
    }

    /** A connection whose connect runs queries of its own (the role check, the type lookup): those are the connect's, not statements. */
    private static PgConnection connect() {
        PgConnection c = await(factory.connect(Connect.config(PG.primary(), QueryCluster.USER, null,
                "sslmode=disable target_session_attrs=read-write")));
        assertThat(TRACER.starts()).as("the connect's own queries").isEmpty();
        return c;
    }

    @Test
    void aQueryIsOneEventPairNamingItsTextParameterCountServerAndRows() {
        PgConnection c = connect();
        try {
            String sql = "SELECT g FROM generate_series(1, $1) g WHERE $2::text <> ''";
            assertThat(await(c.query(sql, 3, SECRET)).size()).isEqualTo(3);
            StatementStarted start = TRACER.starts().get(0);
            assertThat(start.kind()).isEqualTo(StatementKind.EXTENDED);
            assertThat(start.sql()).isEqualTo(sql);
            assertThat(start.parameterCount()).isEqualTo(2);
            assertThat(start.batchSize()).isEqualTo(1);
            assertThat(start.hostSpec()).isEqualTo(c.hostSpec());
            assertThat(start.port()).isEqualTo(PG.primary().port());
            assertThat(((InetSocketAddress) start.socketAddress()).getPort()).isEqualTo(PG.primary().port());
            assertThat(start.database()).isEqualTo("postgres");
            assertThat(start.processId()).isEqualTo(c.processId());
            assertThat(start.layer()).isEqualTo("core");
            assertThat(TRACER.startThreads()).containsExactly(Thread.currentThread()); // the caller's context is readable
            // the end is there when the caller's future completes
            StatementEnded end = TRACER.onlyEnd();
            assertThat(end.statement()).isSameAs(start);
            assertThat(end.outcome()).isEqualTo(StatementOutcome.SUCCESS);
            assertThat(end.rows()).isEqualTo(3);
            assertThat(end.sqlState()).isNull();
            assertThat(end.error()).isNull();
            assertThat(end.elapsed()).isPositive();
            assertThat(String.valueOf(TRACER.starts()) + TRACER.ends()).doesNotContain(SECRET);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aPreparedBatchCountsItsParameterSetsAndTheRowsItAffected() {
        PgConnection c = connect();
        try {
            await(c.simpleQuery("CREATE TEMP TABLE traced (id int, note text)"));
            String insert = "INSERT INTO traced VALUES ($1, $2)";
            PgStatement statement = c.statement(insert).bind(0, 1).bind(1, SECRET).add().bind(0, 2).bind(1, SECRET).add()
                    .bind(0, 3).bind(1, SECRET);
            assertThat(await(statement.collect())).hasSize(3);
            assertThat(TRACER.starts()).extracting(StatementStarted::kind, StatementStarted::sql, StatementStarted::parameterCount,
                    StatementStarted::batchSize).containsExactly(
                    tuple(StatementKind.SIMPLE, "CREATE TEMP TABLE traced (id int, note text)", 0, 1),
                    tuple(StatementKind.EXTENDED, insert, 2, 3));
            assertThat(TRACER.ends()).extracting(StatementEnded::outcome, StatementEnded::rows)
                    .containsExactly(tuple(StatementOutcome.SUCCESS, -1L), tuple(StatementOutcome.SUCCESS, 3L));
            assertThat(String.valueOf(TRACER.starts()) + TRACER.ends()).doesNotContain(SECRET);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStreamedStatementEndsWithItsLastPageAndCountsEveryPage() {
        PgConnection c = connect();
        try {
            long read;
            try (Stream<Row> rows = c.statement("SELECT g FROM generate_series(1, 25) g").fetchSize(10).stream(5)) {
                read = rows.count();
            }
            assertThat(read).isEqualTo(25);
            Conditions.awaitCondition("the streamed statement's end", () -> TRACER.ends().size() == 1);
            assertThat(TRACER.onlyEnd().outcome()).isEqualTo(StatementOutcome.SUCCESS);
            assertThat(TRACER.onlyEnd().rows()).isEqualTo(25);
        } finally {
            await(c.close());
        }
    }

    @Test
    void pipelinedStatementsEachHaveTheirPairAndEndInOrderAroundAFailureInTheMiddle() {
        PgConnection c = connect();
        try {
            CompletableFuture<RowSet> first = c.query("SELECT 1");
            CompletableFuture<RowSet> failing = c.query("SELECT 1 / $1", 0);
            CompletableFuture<RowSet> third = c.query("SELECT 3");
            await(first);
            assertThat(failure(failing)).isInstanceOf(io.pgconn.PgServerException.class);
            await(third);
            List<StatementStarted> starts = TRACER.starts();
            assertThat(starts).extracting(StatementStarted::sql).containsExactly("SELECT 1", "SELECT 1 / $1", "SELECT 3");
            List<StatementEnded> ends = TRACER.ends();
            assertThat(ends).extracting(StatementEnded::statement).containsExactlyElementsOf(starts);
            assertThat(ends).extracting(StatementEnded::outcome, StatementEnded::sqlState).containsExactly(
                    tuple(StatementOutcome.SUCCESS, null), tuple(StatementOutcome.SERVER_ERROR, "22012"), tuple(StatementOutcome.SUCCESS, null));
            assertThat(ends.get(1).error()).isSameAs(failure(failing));
        } finally {
            await(c.close());
        }
    }

    @Test
    void aServerErrorOfASimpleQueryCarriesItsSqlstate() {
        PgConnection c = connect();
        try {
            failure(c.simpleQuery("SELECT * FROM no_such_table"));
            StatementEnded end = TRACER.onlyEnd();
            assertThat(end.statement().kind()).isEqualTo(StatementKind.SIMPLE);
            assertThat(end.outcome()).isEqualTo(StatementOutcome.SERVER_ERROR);
            assertThat(end.sqlState()).isEqualTo("42P01");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementItsCallerCancelledEndsCancelled() {
        PgConnection c = connect();
        try {
            CompletableFuture<RowSet> slow = c.query("SELECT pg_sleep(30)");
            Backends.awaitActive(PG.primary(), c.processId());
            slow.cancel(true);
            Conditions.awaitCondition("the cancelled statement's end", () -> TRACER.ends().size() == 1);
            assertThat(TRACER.onlyEnd().outcome()).isEqualTo(StatementOutcome.CANCELLED);
            assertThat(await(c.query("SELECT $1::int", 7)).single(Integer.class)).isEqualTo(7);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementStoppedByACancelRequestEndsCancelledWithTheServersSqlstate() {
        PgConnection c = connect();
        try {
            CompletableFuture<RowSet> slow = c.query("SELECT pg_sleep(30)");
            // running, not only active: PgConnection.cancel() is one request, which the server drops while the backend
            // still waits for the Bind/Execute written after the description (docs/query.md §5; failed under load)
            Backends.awaitWaitEvent(PG.primary(), c.processId(), "PgSleep");
            await(c.cancel());
            failure(slow);
            StatementEnded end = TRACER.onlyEnd();
            assertThat(end.outcome()).isEqualTo(StatementOutcome.CANCELLED);
            assertThat(end.sqlState()).isEqualTo("57014");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementPastItsTimeoutEndsTimedOut() {
        PgConnection c = connect();
        try {
            failure(c.statement("SELECT pg_sleep(30)").timeout(Duration.ofMillis(200)).collect());
            StatementEnded end = TRACER.onlyEnd();
            assertThat(end.outcome()).isEqualTo(StatementOutcome.TIMEOUT);
            assertThat(end.sqlState()).isEqualTo("57014");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementWhoseSessionEndsEndsWithTheConnectionLost() {
        PgConnection c = connect();
        CompletableFuture<RowSet> slow = c.query("SELECT pg_sleep(30)");
        Backends.awaitActive(PG.primary(), c.processId());
        PG.primary().queryValue("SELECT pg_terminate_backend(" + c.processId() + ")");
        failure(slow);
        StatementEnded end = TRACER.onlyEnd();
        assertThat(end.outcome()).isEqualTo(StatementOutcome.CONNECTION_LOST);
        assertThat(end.sqlState()).isEqualTo("57P01");
        await(c.closeFuture().handle((done, why) -> null)); // ended by the server: its close future carries the FATAL
    }

    @Test
    void transactionControlAndScriptsAreStatementsToo() {
        PgConnection c = connect();
        try {
            await(c.begin());
            await(c.query("SELECT $1::text", SECRET));
            await(c.commit());
            TestSubscriber script = new TestSubscriber(row -> { });
            c.script(List.of("SELECT 1", "SELECT 2 UNION ALL SELECT 3")).subscribe(script);
            script.request(Long.MAX_VALUE);
            await(script.done);
            assertThat(TRACER.starts()).extracting(StatementStarted::kind, StatementStarted::sql, StatementStarted::batchSize).containsExactly(
                    tuple(StatementKind.SIMPLE, "BEGIN", 1),
                    tuple(StatementKind.EXTENDED, "SELECT $1::text", 1),
                    tuple(StatementKind.SIMPLE, "COMMIT", 1),
                    tuple(StatementKind.SCRIPT, "SELECT 1;\nSELECT 2 UNION ALL SELECT 3", 2));
            assertThat(TRACER.ends()).extracting(StatementEnded::outcome).containsOnly(StatementOutcome.SUCCESS);
            assertThat(TRACER.ends().get(3).rows()).isEqualTo(3);
            assertThat(String.valueOf(TRACER.starts()) + TRACER.ends()).doesNotContain(SECRET);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aSubscriberOfALayerNamesTheLayer() {
        PgConnection c = connect();
        try {
            LayerSubscriber subscriber = new LayerSubscriber();
            c.statement("SELECT 1").execute().subscribe(subscriber);
            subscriber.request(Long.MAX_VALUE);
            await(subscriber.done);
            assertThat(TRACER.starts()).extracting(StatementStarted::layer).containsExactly("r2dbc-like");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTracerThatDeclinesAStatementHearsNothingMoreOfIt() {
        AtomicInteger asked = new AtomicInteger();
        PgTracer declining = new PgTracer() {
            @Override
            public StatementSpan statementStarted(StatementStarted event) {
                asked.incrementAndGet();
                return null;
            }
        };
        try (PgConnectionFactory own = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).tracer(declining).build()) {
            PgConnection c = await(own.connect(Connect.config(PG.primary(), QueryCluster.USER, null, "sslmode=disable")));
            await(c.query("SELECT 1"));
            await(c.simpleQuery("SELECT 2"));
            assertThat(asked).hasValue(2);
            await(c.close());
        }
    }

    /** A subscriber of a layer over the core (as pgconn-r2dbc's is). */
    private static final class LayerSubscriber implements java.util.concurrent.Flow.Subscriber<Segment>, StatementLayer {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile java.util.concurrent.Flow.Subscription subscription;

        @Override
        public String statementLayer() {
            return "r2dbc-like";
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(Segment item) {
        }

        @Override
        public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        void request(long n) {
            subscription.request(n);
        }
    }
}
