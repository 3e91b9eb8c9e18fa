package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.query.Row;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pgconn.query.RowSet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A named type created, dropped or recreated while a factory's connections are open (new user 6 F2: a
 * {@code schema.sql} run through a pooled connection after the pool opened): the connection that ran
 * the DDL ends its transaction, the factory's type OID knowledge moves to a new epoch, and every open
 * connection looks its {@code extensionTypes} up again before its next statement outside a transaction.
 */
class TypeDdlRefreshIT {

    static final String USER = "ddl_u";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("typeddl")
            .majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("GRANT CREATE ON SCHEMA public TO " + USER)
            .build();

    private final List<PgConnectionFactory> factories = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeFactories() {
        factories.forEach(PgConnectionFactory::close);
    }

    /** A factory whose codecs know {@code typeName}; answers are kept for an hour, so only the epoch makes it ask again. */
    private PgConnectionFactory factory(String typeName) {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2)
                .codecs(CodecRegistry.builder().register(new MoodCodec(typeName)).build()).build();
        factories.add(factory);
        return factory;
    }

    private static PgConnection connect(PgConnectionFactory factory, String extensionTypes) {
        return await(factory.connect(Connect.config(PG.primary(), USER, null,
                "sslmode=disable hostRecheckInterval=1h extensionTypes=" + extensionTypes)));
    }

    private static int serverOid(String type) {
        return Integer.parseInt(PG.primary().queryValue("SELECT '" + type + "'::regtype::oid"));
    }

    @Test
    void aTypeCreatedThroughOneConnectionIsDecodedByAnotherOpenOneAtItsNextStatement() {
        PgConnectionFactory factory = factory("created_mood");
        PgConnection a = connect(factory, "created_mood");
        PgConnection b = connect(factory, "created_mood");
        assertThat(b.typeOid("created_mood")).as("not there at connect").isEmpty();

        await(a.simpleQuery("CREATE TYPE created_mood AS ENUM ('sad', 'ok', 'happy')"));

        Row row = await(b.query("SELECT 'ok'::created_mood AS m, ARRAY['sad', NULL, 'happy']::created_mood[] AS ms")).row(0);
        assertThat(row.get("m")).isEqualTo(Mood.OK);
        assertThat(row.get("ms")).isEqualTo(new Mood[] {Mood.SAD, null, Mood.HAPPY});
        assertThat(b.typeOid("created_mood")).hasValue(serverOid("created_mood"));
        assertThat(b.typeOid("created_mood[]")).hasValue(serverOid("created_mood[]"));
        assertThat(await(a.query("SELECT 'happy'::created_mood")).row(0).get(0)).as("the connection that ran it too").isEqualTo(Mood.HAPPY);
        assertThat(await(b.query("SELECT $1::text", Mood.SAD)).row(0).get(0)).as("as a parameter").isEqualTo("sad");
        PgConnection c = connect(factory, "created_mood");
        assertThat(c.typeOid("created_mood")).as("a new connection: the factory's remembered 'missing' is forgotten").isPresent();
    }

    /**
     * Statements started on a blocked caller's thread (docs/query.md §1) on a connection with {@code extensionTypes}
     * on: they take the caller's way while no type lookup is due; after type DDL on another connection the statement
     * that brings the lookup takes the loop's way (not counted as a caller's start) and decodes the new type; inside a
     * transaction the lookup waits for its end, and every statement until then takes the loop's way; the lookup then
     * goes behind the COMMIT, the FIFO's last, and the caller's way is taken again once it was answered.
     */
    @Test
    void callerSideStartsWithExtensionTypesTakeTheLoopsWayExactlyWhileALookupIsDue() {
        PgConnectionFactory factory = factory("caller_mood");
        PgConnection a = connect(factory, "caller_mood");
        PgConnection b = connect(factory, "caller_mood");
        for (int i = 0; i < 200; i++) {
            assertThat(await(b.query("SELECT $1::int * 2", i)).single(Integer.class)).isEqualTo(i * 2);
        }
        long beforeDdl = SessionAccess.startedOnCaller(b);
        assertThat(beforeDdl).as("the caller's way, with extensionTypes on").isPositive();

        await(a.simpleQuery("CREATE TYPE caller_mood AS ENUM ('sad', 'ok', 'happy')"));
        assertThat(b.typeOidsStale()).isTrue();
        assertThat(await(b.query("SELECT 'ok'::caller_mood")).row(0).get(0)).isEqualTo(Mood.OK);
        assertThat(SessionAccess.startedOnCaller(b)).as("the statement that brought the lookup: the loop's way")
                .isEqualTo(beforeDdl);
        assertThat(b.typeOidsStale()).isFalse();
        for (int i = 0; i < 200; i++) {
            assertThat(await(b.query("SELECT $1::int * 2", i)).single(Integer.class)).isEqualTo(i * 2);
        }
        long afterLookup = SessionAccess.startedOnCaller(b);
        assertThat(afterLookup).as("the caller's way again once the lookup was answered").isGreaterThan(beforeDdl);

        await(b.simpleQuery("BEGIN"));
        await(a.simpleQuery("DROP TYPE caller_mood; CREATE TYPE caller_mood AS ENUM ('sad', 'ok', 'happy')"));
        assertThat(b.typeOidsStale()).isTrue();
        for (int i = 0; i < 50; i++) {
            assertThat(await(b.query("SELECT $1::int * 2", i)).single(Integer.class)).isEqualTo(i * 2);
        }
        assertThat(SessionAccess.startedOnCaller(b)).as("in the transaction the lookup waits for its end: the loop's way")
                .isEqualTo(afterLookup);
        await(b.simpleQuery("COMMIT")); // the lookup goes behind it, the FIFO's last
        assertThat(await(b.query("SELECT 'happy'::caller_mood")).row(0).get(0)).as("behind the lookup").isEqualTo(Mood.HAPPY);
        assertThat(b.typeOid("caller_mood")).as("the recreated type").hasValue(serverOid("caller_mood"));
        for (int i = 0; i < 200; i++) {
            assertThat(await(b.query("SELECT $1::int * 2", i)).single(Integer.class)).isEqualTo(i * 2);
        }
        assertThat(SessionAccess.startedOnCaller(b)).as("and after it the caller's way again").isGreaterThan(afterLookup);
    }

    @Test
    void theFirstStatementAfterTheDdlBindsTheTypesValuesThroughItsCodec() {
        PgConnectionFactory factory = factory("bound_mood");
        PgConnection a = connect(factory, "bound_mood");
        PgConnection b = connect(factory, "bound_mood");
        PgConnection c = connect(factory, "bound_mood");
        assertThat(b.typeOidsStale()).isFalse();

        await(a.simpleQuery("CREATE TYPE bound_mood AS ENUM ('sad', 'ok', 'happy');"
                + " CREATE TABLE bound_moods (id int PRIMARY KEY, m bound_mood, ms bound_mood[])"));

        assertThat(b.typeOidsStale()).as("seen by the other open connections at once").isTrue();
        String insert = "INSERT INTO bound_moods VALUES ($1, $2, $3)";
        await(b.query(insert, 1, Mood.HAPPY, new Mood[] {Mood.SAD, null}));
        assertThat(b.typeOidsStale()).isFalse();
        await(c.statement(insert).bind(0, 2).bind(1, Mood.OK).bind(2, List.of(Mood.OK)).add()
                .bind(0, 3).bind(1, null).bind(2, new Mood[0]).collect());
        assertThat(await(a.query("SELECT m::text, ms::text FROM bound_moods ORDER BY id")).rows().stream()
                .map(r -> r.get(0) + " " + r.get(1)).toList()).containsExactly("happy {sad,NULL}", "ok {ok}", "null {}");
    }

    @Test
    void aTypeDroppedAndCreatedAgainIsDecodedAtItsNewOid() {
        PG.primary().execute("CREATE TYPE again_mood AS ENUM ('sad', 'ok', 'happy'); ALTER TYPE again_mood OWNER TO " + USER);
        PgConnectionFactory factory = factory("again_mood");
        PgConnection a = connect(factory, "again_mood");
        PgConnection b = connect(factory, "again_mood");
        PgConnection c = connect(factory, "again_mood");
        int before = b.typeOid("again_mood").orElseThrow();
        String select = "SELECT 'ok'::again_mood";
        assertThat(await(b.query(select)).row(0).get(0)).isEqualTo(Mood.OK);
        assertThat(await(b.query(select)).row(0).get(0)).as("cached statement").isEqualTo(Mood.OK);

        await(a.simpleQuery("BEGIN; DROP TYPE again_mood; CREATE TYPE again_mood AS ENUM ('sad', 'ok', 'happy'); COMMIT"));

        int after = serverOid("again_mood");
        assertThat(after).isNotEqualTo(before);
        Row row = await(b.query(select)).row(0);
        assertThat(row.getOid(0)).isEqualTo(after);
        assertThat(row.get(0)).isEqualTo(Mood.OK);
        assertThat(b.typeOid("again_mood")).hasValue(after);
        assertThat(await(c.query("SELECT $1 = 'ok'::again_mood", Mood.OK)).row(0).get(0))
                .as("a parameter of the first statement after it: the new OID").isEqualTo(true);
    }

    @Test
    void aTypeCreatedInsideATransactionIsLookedUpOnceItIsCommitted() {
        PgConnectionFactory factory = factory("committed_mood");
        PgConnection a = connect(factory, "committed_mood");
        PgConnection b = connect(factory, "committed_mood");
        await(a.simpleQuery("BEGIN"));
        await(a.simpleQuery("CREATE TYPE committed_mood AS ENUM ('sad', 'ok', 'happy')"));
        assertThat(Connect.value(b, "SELECT count(*) FROM pg_type WHERE typname = 'committed_mood'")).as("not visible yet").isEqualTo("0");

        await(a.simpleQuery("COMMIT"));

        assertThat(await(b.query("SELECT 'sad'::committed_mood")).row(0).get(0)).isEqualTo(Mood.SAD);
    }

    @Test
    void aTypeCreatedElsewhereIsBoundAfterForgetTypeOids() {
        PgConnectionFactory factory = factory("elsewhere_mood");
        PgConnection b = connect(factory, "elsewhere_mood");
        PG.primary().execute("CREATE TYPE elsewhere_mood AS ENUM ('sad', 'ok', 'happy')");
        String select = "SELECT 'happy'::elsewhere_mood";
        assertThat(await(b.query(select)).row(0).get(0)).as("DDL of another client is not seen").isEqualTo("happy");
        assertThat(await(b.query(select)).row(0).get(0)).as("cached statement").isEqualTo("happy");

        factory.forgetTypeOids();

        assertThat(await(b.query(select)).row(0).get(0)).as("the cached statement, with the codec bound now").isEqualTo(Mood.HAPPY);
    }

    /**
     * REVIEW-11: while the types are stale a statement's values are encoded when it is written, not when it was
     * called — and were held by reference: a byte[] (or ByteBuffer, array, List) the caller changed after the call
     * was sent as changed. Before type DDL the same call sent what the array held at the call. Here the write waits
     * behind a statement with a timeout (it holds the writes) that waits for a lock the test releases.
     */
    @Test
    void aValueTheCallerChangesAfterTheCallIsSentAsItWasAtTheCall() {
        PgConnectionFactory factory = factory("alias_mood");
        PgConnection a = connect(factory, "alias_mood");
        PgConnection b = connect(factory, "alias_mood");
        await(a.query("SELECT pg_advisory_lock(4711)"));
        await(b.begin());
        await(a.simpleQuery("CREATE TYPE alias_mood AS ENUM ('sad')"));
        assertThat(b.typeOidsStale()).isTrue();
        CompletableFuture<List<RowSet>> waiting = b.statement("SELECT pg_advisory_lock(4711)").timeout(Duration.ofSeconds(20)).collect();

        byte[] bytes = {1, 2, 3};
        int[] numbers = {1, 2, 3};
        CompletableFuture<RowSet> sent = b.query("SELECT $1::bytea, $2::int4[]", bytes, numbers);
        bytes[0] = 9;
        numbers[0] = 9;
        await(a.query("SELECT pg_advisory_unlock(4711)"));
        await(waiting);

        Row row = await(sent).row(0);
        assertThat((byte[]) row.get(0)).containsExactly(1, 2, 3);
        assertThat(row.get(1, int[].class)).containsExactly(1, 2, 3);
        await(b.rollback());
    }

    /**
     * REVIEW-11: the lookup is queued when the last ReadyForQuery said no transaction is open ('I') — also when a
     * BEGIN queued before the statement is not answered yet. The lookup then runs as the transaction's first query,
     * and a SET TRANSACTION ISOLATION LEVEL (which must come before any query) fails with 25001: the application's
     * transaction is broken by a query it did not send. Here the BEGIN waits behind a lock the test holds.
     */
    @Test
    void aLookupIsNotSlippedIntoATransactionWhoseBeginIsNotAnsweredYet() {
        PgConnectionFactory factory = factory("pipelined_mood");
        PgConnection a = connect(factory, "pipelined_mood");
        PgConnection b = connect(factory, "pipelined_mood");
        await(a.query("SELECT pg_advisory_lock(4712)"));
        CompletableFuture<io.pgconn.QueryResult> locked = b.simpleQuery("SELECT pg_advisory_lock(4712)");
        CompletableFuture<io.pgconn.QueryResult> begin = b.simpleQuery("BEGIN");
        await(a.simpleQuery("CREATE TYPE pipelined_mood AS ENUM ('sad')"));
        assertThat(b.typeOidsStale()).isTrue();

        CompletableFuture<io.pgconn.QueryResult> isolation = b.simpleQuery("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
        await(a.query("SELECT pg_advisory_unlock(4712)"));
        await(locked);
        await(begin);

        await(isolation);
        assertThat(Connect.value(b, "SHOW transaction_isolation")).isEqualTo("serializable");
        await(b.simpleQuery("COMMIT"));
    }

    /**
     * Session 11 (F4's side effect): the lookup was queued only in front of a statement submitted with nothing in
     * flight, so a connection that always had a statement in flight kept its old OIDs, and read the new type's
     * values as String, for as long as it stayed busy. The lookup now waits behind what is in flight and holds back
     * what is submitted after it. Here the statement in flight waits for a lock the test holds.
     */
    @Test
    void aConnectionWithAStatementInFlightLooksItsTypesUpBehindIt() {
        PgConnectionFactory factory = factory("inflight_mood");
        PgConnection a = connect(factory, "inflight_mood");
        PgConnection b = connect(factory, "inflight_mood");
        await(a.query("SELECT pg_advisory_lock(4713)"));
        CompletableFuture<RowSet> locked = b.query("SELECT pg_advisory_lock(4713)");
        await(a.simpleQuery("CREATE TYPE inflight_mood AS ENUM ('sad', 'ok')"));
        assertThat(b.typeOidsStale()).isTrue();

        CompletableFuture<RowSet> read = b.query("SELECT 'ok'::inflight_mood");
        CompletableFuture<RowSet> bound = b.query("SELECT $1::text", Mood.SAD);
        await(a.query("SELECT pg_advisory_unlock(4713)"));
        await(locked);

        assertThat(await(read).row(0).get(0)).isEqualTo(Mood.OK);
        assertThat(await(bound).row(0).get(0)).isEqualTo("sad");
        assertThat(b.typeOidsStale()).isFalse();
        await(b.query("SELECT pg_advisory_unlock(4713)"));
    }

    /**
     * A connection under pipelined load (four statements kept in flight, each answer submitting the next one
     * before the others are answered) is never idle at a submit: every statement submitted once the DDL's future
     * completed reads the new type through its codec.
     */
    @Test
    void aConnectionUnderPipelinedLoadReadsTheNewTypeFromTheFirstStatementSubmittedAfterTheDdl() throws Exception {
        PgConnectionFactory factory = factory("load_mood");
        PgConnection a = connect(factory, "load_mood");
        PgConnection b = connect(factory, "load_mood");
        AtomicBoolean created = new AtomicBoolean();
        AtomicInteger afterDdl = new AtomicInteger();
        List<Object> readAfterDdl = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        String select = "SELECT CASE WHEN to_regtype('load_mood') IS NULL THEN 'no'::text ELSE 'yes' END";
        String selectMood = "SELECT 'ok'::load_mood";
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            boolean after = created.get();
            b.query(after ? selectMood : select).whenComplete((rows, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                    return;
                }
                if (after) {
                    readAfterDdl.add(rows.row(0).get(0));
                    if (afterDdl.incrementAndGet() >= 200) {
                        done.complete(null);
                        return;
                    }
                }
                if (!done.isDone()) {
                    next[0].run();
                }
            });
        };
        for (int i = 0; i < 4; i++) {
            next[0].run();
        }
        await(a.simpleQuery("CREATE TYPE load_mood AS ENUM ('sad', 'ok')"));
        created.set(true);

        done.get(30, TimeUnit.SECONDS);
        assertThat(readAfterDdl).hasSizeGreaterThanOrEqualTo(200).containsOnly(Mood.OK);
    }

    /**
     * A lookup whose turn comes inside a transaction (a statement of it in flight) is not run there; it goes
     * behind the transaction's COMMIT, already submitted, and runs before the statement after it.
     */
    @Test
    void aLookupWhoseTurnComesInsideATransactionRunsAfterItsCommit() {
        PgConnectionFactory factory = factory("txn_mood");
        PgConnection a = connect(factory, "txn_mood");
        PgConnection b = connect(factory, "txn_mood");
        await(a.query("SELECT pg_advisory_lock(4714)"));
        await(b.begin());
        CompletableFuture<RowSet> locked = b.query("SELECT pg_advisory_lock(4714)");
        await(a.simpleQuery("CREATE TYPE txn_mood AS ENUM ('sad', 'ok')"));

        CompletableFuture<RowSet> inside = b.query("SELECT 'ok'::txn_mood, current_setting('transaction_isolation')");
        CompletableFuture<io.pgconn.QueryResult> commit = b.simpleQuery("COMMIT");
        CompletableFuture<RowSet> after = b.query("SELECT 'ok'::txn_mood");
        await(a.query("SELECT pg_advisory_unlock(4714)"));
        await(locked);

        assertThat(await(inside).row(0).get(0)).as("inside the transaction the old answer holds").isEqualTo("ok");
        await(commit);
        assertThat(await(after).row(0).get(0)).isEqualTo(Mood.OK);
        assertThat(b.typeOidsStale()).isFalse();
        await(b.query("SELECT pg_advisory_unlock(4714)"));
    }

    /**
     * The same with the COMMIT submitted after the lookup met the open transaction: it is queued behind the COMMIT
     * then. Nothing is in flight at the statement's submit here; the transaction is open.
     */
    @Test
    void aStaleConnectionInsideATransactionLooksItsTypesUpAfterTheCommit() {
        PgConnectionFactory factory = factory("idle_txn_mood");
        PgConnection a = connect(factory, "idle_txn_mood");
        PgConnection b = connect(factory, "idle_txn_mood");
        await(b.begin());
        await(a.simpleQuery("CREATE TYPE idle_txn_mood AS ENUM ('sad', 'ok')"));

        assertThat(await(b.query("SELECT 'ok'::idle_txn_mood")).row(0).get(0)).isEqualTo("ok");
        await(b.commit());

        assertThat(await(b.query("SELECT 'ok'::idle_txn_mood")).row(0).get(0)).isEqualTo(Mood.OK);
    }

    /**
     * REVIEW-13 L2: inside a transaction whose type lookup waits for the transaction's end, every simple query took
     * the lookup behind it, which held back what followed until that query was answered: one round trip per simple
     * query. Now only one whose text may end the transaction does. Here the transaction's six simple queries are
     * all on the wire while the first still waits for a lock the test holds (it flushed only the first before);
     * the lookup runs once, behind the COMMIT, and the statement after the COMMIT reads the new type.
     */
    @Test
    void theSimpleQueriesOfAStaleTransactionArePipelined() {
        PgConnectionFactory factory = factory("piped_mood");
        PgConnection a = connect(factory, "piped_mood");
        PgConnection b = connect(factory, "piped_mood");
        await(b.begin());
        await(a.simpleQuery("CREATE TYPE piped_mood AS ENUM ('sad', 'ok')"));
        assertThat(b.typeOidsStale()).isTrue();
        await(a.query("SELECT pg_advisory_lock(4715)"));
        QueriesWritten written = QueriesWritten.on(b);

        List<CompletableFuture<io.pgconn.QueryResult>> answers = Stream.of("SELECT pg_advisory_xact_lock(4715)",
                "SAVEPOINT s1", "SET LOCAL work_mem = '8MB'", "RELEASE SAVEPOINT s1", "SELECT 'ok'::piped_mood", "COMMIT")
                .map(b::simpleQuery).toList();
        CompletableFuture<RowSet> after = b.query("SELECT 'ok'::piped_mood");
        Conditions.awaitCondition("the transaction's six simple queries written before the first is answered",
                () -> written.count() == 6);
        assertThat(answers.get(0)).as("the first still waits for the lock").isNotDone();
        await(a.query("SELECT pg_advisory_unlock(4715)"));

        assertThat(await(answers.get(4)).rows().get(0)).as("inside the transaction the old answer holds").containsExactly("ok");
        await(answers.get(5));
        assertThat(await(after).row(0).get(0)).isEqualTo(Mood.OK);
        assertThat(written.count()).as("and then one more simple query: the lookup, behind the COMMIT").isEqualTo(7);
        assertThat(b.typeOidsStale()).isFalse();
    }

    /** Counts the simple Query messages a connection flushes to its socket (first in its pipeline: the bytes as sent). */
    private static final class QueriesWritten extends ChannelOutboundHandlerAdapter {
        private final AtomicInteger queries = new AtomicInteger();

        static QueriesWritten on(PgConnection connection) {
            QueriesWritten counter = new QueriesWritten();
            SessionAccess.channel(connection).pipeline().addFirst(counter);
            return counter;
        }

        int count() {
            return queries.get();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buffer) { // whole messages: a session encodes each into the buffer it flushes
                for (int at = buffer.readerIndex(); at < buffer.writerIndex(); at += 1 + buffer.getInt(at + 1)) {
                    if (buffer.getByte(at) == 'Q') {
                        queries.incrementAndGet();
                    }
                }
            }
            ctx.write(msg, promise);
        }
    }

    /** A user codec whose library is missing from the class path: its encode throws a LinkageError. */
    record Payload(String text) {
    }

    record MissingLibraryCodec() implements Codec<Payload> {
        @Override
        public PgType type() {
            return PgType.JSON;
        }

        @Override
        public Class<Payload> javaType() {
            return Payload.class;
        }

        @Override
        public Format format() {
            return Format.TEXT;
        }

        @Override
        public void encode(Payload value, ByteBuf out) {
            throw new NoClassDefFoundError("com/fasterxml/jackson/databind/ObjectMapper");
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            return value.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * REVIEW-11: a codec's Error (a LinkageError: an optional library missing) while the types are stale is met on
     * the event loop, where the write path catches RuntimeException only: the statement stayed in the session's
     * queue unwritten, its future never completed, and the next statement's answers then found no request in flight
     * and ended the session. It fails the statement, unwritten, naming the parameter and the error's class.
     */
    @Test
    void aCodecsLinkageErrorWhileTheTypesAreStaleFailsTheStatementAndTheConnectionGoesOn() throws Exception {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2)
                .codecs(CodecRegistry.builder().register(new MoodCodec("linkage_mood")).register(new MissingLibraryCodec()).build())
                .build();
        factories.add(factory);
        PgConnection a = connect(factory, "linkage_mood");
        PgConnection b = connect(factory, "linkage_mood");
        await(b.begin());
        await(a.simpleQuery("CREATE TYPE linkage_mood AS ENUM ('sad')"));
        assertThat(b.typeOidsStale()).isTrue();

        CompletableFuture<RowSet> query = b.query("SELECT $1::text", new Payload("x"));
        Throwable failure;
        try {
            query.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the statement's future did not complete within 5 s", e);
        }
        assertThat(failure).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("$1").hasMessageContaining("NoClassDefFoundError");
        await(b.rollback());
        assertThat(await(b.query("SELECT 7")).row(0).getInt(0)).isEqualTo(7);
    }

    @Test
    void aListedTypeThatDoesNotExistIsWarnedAboutOncePerFactory() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.pgconn.internal.failover.TypeOidDiscovery");
        Level level = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            PgConnectionFactory factory = factory("absent_mood");
            for (int i = 0; i < 3; i++) {
                await(connect(factory, "hstore,vector,absent_mood").close());
            }
            assertThat(records.stream().filter(r -> r.getLevel() == Level.WARNING).toList()).singleElement().satisfies(r -> {
                String message = r.getMessage();
                assertThat(message).contains("absent_mood", "localhost:" + PG.primary().port(), "postgres");
            });
            assertThat(records).as("the default extensions' absence is not a warning")
                    .filteredOn(r -> r.getMessage().contains("hstore")).allSatisfy(r -> assertThat(r.getLevel()).isEqualTo(Level.FINE));
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }
    }
}
