package io.pgconn.hostile;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.QueryResult;
import io.pgconn.PgProtocolException;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;
import io.pgconn.testing.Conditions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query path against a server that breaks the extended protocol mid-result: a DataRow with the
 * wrong column count or a length past its message, rows without a RowDescription, an ErrorResponse
 * in the middle of the rows, the connection dropped mid-result. Each ends with a clear error naming
 * the host; protocol violations close the connection, a server error does not; nothing leaks
 * (Netty's leak detector runs at paranoid).
 */
class HostileQueryIT {

    private static final String OPTIONS = "sslmode=disable";
    private static final int TEXT = 25;

    /** What the scripted server answers to the first query's Describe and then to its Bind/Execute/Sync. */
    private interface Answer {
        void play(Conversation c) throws Exception;
    }

    /** Logs in, reads Parse/Describe/Flush, answers with a one-column text description, then runs {@code answer}. */
    private static ScriptedServer serverAnswering(Answer answer) {
        return ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
            c.readThrough('S');
            answer.play(c);
            c.awaitClientClose();
        });
    }

    @Test
    void aDataRowWithTheWrongColumnCountClosesTheConnectionWithAClearError() throws Exception {
        try (ScriptedServer server = serverAnswering(c -> c.send(bindComplete(), dataRow("a", "b")));
             HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.query("SELECT v FROM t"));
            assertThat(error).isInstanceOf(PgClosedException.class)
                    .hasMessageContaining("DataRow with 2 columns, but the RowDescription has 1").hasMessageContaining(server.label());
            assertThat(error.getCause()).isInstanceOf(PgProtocolException.class);
            assertThat(connection.isClosed()).isTrue();
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    @Test
    void aColumnLengthPastTheEndOfTheMessageIsRefused() throws Exception {
        byte[] lying = message('D', ByteBuffer.allocate(2 + 4 + 3).putShort((short) 1).putInt(100).put("abc".getBytes(StandardCharsets.UTF_8)).array());
        try (ScriptedServer server = serverAnswering(c -> c.send(bindComplete(), lying));
             HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.query("SELECT v FROM t"));
            assertThat(error).isInstanceOf(PgClosedException.class)
                    .hasMessageContaining("malformed DataRow").hasMessageContaining("column 1 declares 100 bytes but 3 remain");
            assertThat(connection.isClosed()).isTrue();
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    /**
     * Item 18 of the query-path review: a value that cannot be decoded (3 bytes for a binary int4, a
     * text value read as Integer) fails its read with an error that names the host, the column and
     * its type; the connection stays open (the DataRow itself was well formed).
     */
    @Test
    void aValueThatCannotBeDecodedFailsItsReadNamingHostColumnAndType() throws Exception {
        ByteArrayOutputStream description = new ByteArrayOutputStream();
        description.writeBytes(ByteBuffer.allocate(2).putShort((short) 2).array());
        description.writeBytes(Backend.cstring("n"));
        description.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(23).putShort((short) 4)
                .putInt(-1).putShort((short) 0).array()); // int4: the client asks for it in binary
        description.writeBytes(Backend.cstring("t"));
        description.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(TEXT).putShort((short) -1)
                .putInt(-1).putShort((short) 0).array());
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), message('T', description.toByteArray()));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("abc", "abc"), commandComplete("SELECT 1"), Backend.readyForQuery());
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Row row = connection.query("SELECT n, t FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS).row(0);
            for (Runnable read : List.<Runnable>of(() -> row.getInt(0), () -> row.get(0, Integer.class), () -> row.get("n", Object.class))) {
                try {
                    read.run();
                    throw new AssertionError("3 bytes read as a binary int4");
                } catch (PgProtocolException e) {
                    assertThat(e.host()).isEqualTo(server.label());
                    assertThat(e).hasMessageContaining(server.label()).hasMessageContaining("column 0 (\"n\", type OID 23, binary)")
                            .hasMessageContaining("malformed int4 value");
                }
            }
            try {
                row.get(1, Integer.class);
                throw new AssertionError("text read as Integer");
            } catch (io.pgconn.codec.PgConversionException e) {
                assertThat(e.host()).isEqualTo(server.label());
                assertThat(e).hasMessageContaining(server.label()).hasMessageContaining("column 1 (\"t\", type OID 25")
                        .hasMessageContaining("text").hasMessageContaining("java.lang.Integer");
            }
            assertThat(row.get(1, String.class)).isEqualTo("abc");
            assertThat(connection.isClosed()).isFalse();
            connection.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void rowsWithoutARowDescriptionAreRefused() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), message('n', new byte[0])); // NoData: no rows
            c.readThrough('S');
            c.send(bindComplete(), dataRow("surprise"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.query("UPDATE t SET v = 1"));
            assertThat(error).isInstanceOf(PgClosedException.class).hasMessageContaining("DataRow without a RowDescription");
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    @Test
    void anErrorResponseMidStreamFailsThatStatementAndTheConnectionStaysUsable() throws Exception {
        try (ScriptedServer server = serverAnswering(c -> {
            c.send(bindComplete(), dataRow("1"), dataRow("2"), errorResponse("XX000", "disk on fire"), Backend.readyForQuery());
            // the next query: a cached statement now, so Bind/Execute/Sync only
            c.readThrough('S');
            c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            List<Segment> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            connection.statement("SELECT v FROM t").execute().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Segment item) {
                    seen.add(item);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(null);
                }
            });
            Throwable error = failure(done);
            assertThat(error).isInstanceOf(PgServerException.class).hasMessageContaining("disk on fire").hasMessageContaining(server.label());
            assertThat(((PgServerException) error).sqlState()).contains("XX000");
            assertThat(seen.stream().filter(s -> s instanceof Row).map(s -> ((Row) s).get(0, String.class)).toList()).containsExactly("1", "2");
            RowSet next = connection.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).isEqualTo("fine");
            assertThat(connection.isClosed()).isFalse();
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aConnectionDroppedMidResultFailsTheStatementAndWhatIsQueuedBehindIt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("1"), dataRow("2"));
            c.reset(); // the server goes away in the middle of the rows
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<RowSet> first = connection.query("SELECT v FROM t");
            CompletableFuture<RowSet> queued = connection.query("SELECT v FROM t");
            assertThat(failure(first)).isInstanceOf(PgClosedException.class).hasMessageContaining(server.label());
            assertThat(failure(queued)).isInstanceOf(PgClosedException.class);
            assertThat(connection.isClosed()).isTrue();
            assertThat(failure(connection.query("SELECT 1"))).isInstanceOf(PgClosedException.class);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    /**
     * New user 11 F1: Spring MVC takes an exception for its HTTP client going away — and answers nothing, so
     * the status stays 200, logged at DEBUG only — when an exception of its cause chain is named
     * {@code EOFException}/{@code ClientAbortException}/... or the most specific cause's message holds "broken pipe"
     * or "connection reset by peer" ({@code DisconnectedClientHelper}, spring-web 7). A database server resetting
     * the session said exactly that (the native transport's "recvAddress(..) failed: Connection reset by peer" was
     * the root cause), so a POST whose transaction died with the server answered 200 with an empty body.
     */
    @Test
    void aSessionResetByTheServerFailsInWordsNoHttpServerTakesForItsOwnClientGoingAway() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("1"));
            c.reset();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.query("SELECT v FROM t"));
            assertThat(error).isInstanceOf(PgClosedException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("the server reset the connection (ECONNRESET)");
            ClientGoneWords.assertNoneIn(error);
            assertThat(error.getCause().getSuppressed()).as("the socket's own exception is kept, as suppressed")
                    .anySatisfy(s -> assertThat(s).isInstanceOf(java.io.IOException.class));
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    @Test
    void aTimeoutWhoseCancelLostTheRaceStillFailsTheStatement() throws Exception {
        CountDownLatch cancelArrived = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                if (!cancelArrived.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no CancelRequest after the timeout");
                }
                // the statement finished before the cancel reached it: its rows and its end, no 57014
                c.send(bindComplete(), dataRow("1"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.readThrough('S');
                c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest
                cancelArrived.countDown();
                c.close();
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.statement("SELECT v FROM t").timeout(Duration.ofMillis(100)).collect());
            assertThat(error).as("rows after the timeout were dropped: never a short success")
                    .isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining(server.label()).hasMessageContaining("timeout of 100 ms").hasMessageNotContaining("StatementPlan");
            assertThat(((PgStatementTimeoutException) error).sqlState()).contains("57014");
            RowSet next = connection.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).isEqualTo("fine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aCancelledStatementWhoseServerSaysNothingAfterTheCancelRequestClosesTheConnection() throws Exception {
        CountDownLatch executing = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                executing.countDown();
                // frozen from here on: not one byte more
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest, never answered
                c.awaitClientClose();
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
            connection.statement("SELECT v FROM t").execute().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                    subscribed.complete(subscription);
                }

                @Override
                public void onNext(Segment item) {
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            assertThat(executing.await(10, TimeUnit.SECONDS)).isTrue();
            long cancelledAt = System.nanoTime();
            subscribed.get(10, TimeUnit.SECONDS).cancel(); // the reader is gone (e.g. a Reactor timeout upstream)
            // the next statement on the connection (a pool hands it out again once it is released)
            CompletableFuture<RowSet> queuedBehind = connection.query("SELECT v FROM t");
            // a pool would hand the connection out again, to wait behind a statement that never ends
            Throwable behind = failure(queuedBehind);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
            assertThat(behind).isInstanceOf(PgClosedException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("closed: the server sent nothing for 1 s after a cancel request (the server stopped answering)");
            assertThat(waitedMillis).as("one cancel grace (1 s), not the server's silence").isLessThan(10_000);
            Conditions.awaitCondition("the connection to close", connection::isClosed);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aTimeoutWhoseCancelIsIgnoredByALiveServerEndsTheCallersWaitAndTheStatementDrainsInTheBackground() throws Exception {
        CountDownLatch cancelArrived = new CountDownLatch(1);
        CountDownLatch callerFailed = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                if (!cancelArrived.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no CancelRequest after the timeout");
                }
                // the cancel went nowhere (a pooler sent it to another node): the statement runs on, and
                // the server is alive (a row during the grace), so the connection stays
                c.send(bindComplete(), dataRow("running"));
                if (!callerFailed.await(15, TimeUnit.SECONDS)) {
                    throw new AssertionError("the caller still waits for a statement whose cancel was lost");
                }
                c.send(dataRow("late"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.readThrough('S');
                c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest, closed without signalling anything
                cancelArrived.countDown();
                c.close();
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            long start = System.nanoTime();
            CompletableFuture<List<RowSet>> timed = connection.statement("SELECT v FROM t").timeout(Duration.ofMillis(200)).collect();
            Throwable error = failure(timed);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            callerFailed.countDown();
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms").hasMessageNotContaining("StatementPlan");
            assertThat(error.getCause()).as("no 57014 from the server: the grace ended the wait").isNull();
            assertThat(waitedMillis).as("bounded by the cancel grace (1 s), not by the statement (the script waits 15 s)")
                    .isLessThan(10_000);
            RowSet next = connection.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).as("the late rows were drained, not given to the next statement").isEqualTo("fine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aTimeoutWhoseCancelGetsNoAnswerFromASilentServerClosesTheConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(silentAfterTheCancelRequest());
             HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<List<RowSet>> timed = connection.statement("SELECT v FROM t").timeout(Duration.ofMillis(200)).collect();
            CompletableFuture<RowSet> queuedBehind = connection.query("SELECT v FROM t");
            Throwable error = failure(timed);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms");
            // what queued behind it would wait as long as the server: the connection is closed instead
            Throwable behind = failure(queuedBehind);
            assertThat(behind).isInstanceOf(PgClosedException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("closed: the server sent nothing for 1 s after a statement's timeout of 200 ms and its cancel request");
            Conditions.awaitCondition("the connection to close", connection::isClosed);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /** {@code cancelGrace} shorter than the default 1 s: a server silent after the cancel loses its connection after it. */
    @Test
    void aTimeoutWhoseCancelIsUnansweredWithinTheConnectionsCancelGraceClosesTheConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(silentAfterTheCancelRequest());
             HostileClient client = new HostileClient(server, OPTIONS + " cancelGrace=300ms")) {
            PgConnection connection = client.connect();
            CompletableFuture<List<RowSet>> timed = connection.statement("SELECT v FROM t").timeout(Duration.ofMillis(100)).collect();
            CompletableFuture<RowSet> queuedBehind = connection.query("SELECT v FROM t");
            assertThat(failure(timed)).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 100 ms");
            assertThat(failure(queuedBehind)).isInstanceOf(PgClosedException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("closed: the server sent nothing for 300 ms after a statement's timeout of 100 ms and its cancel request");
            Conditions.awaitCondition("the connection to close", connection::isClosed);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * A loaded server that answers the cancel 1.5 s after it came — past the default grace of 1 s, which
     * closed its connection — keeps the connection with {@code cancelGrace=5s}: the statement fails with the
     * server's 57014, and the next one runs.
     */
    @Test
    void aCancelAnsweredWithinALongerCancelGraceKeepsTheConnection() throws Exception {
        CountDownLatch cancelArrived = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                if (!cancelArrived.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no CancelRequest after the timeout");
                }
                TimeUnit.MILLISECONDS.sleep(1_500); // the slow server is the case: silent for longer than the default grace
                c.send(bindComplete(), errorResponse("57014", "canceling statement due to user request"), Backend.readyForQuery());
                c.readThrough('S');
                c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest, taken
                cancelArrived.countDown();
                c.close();
            }
        }); HostileClient client = new HostileClient(server, OPTIONS + " cancelGrace=5s")) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.statement("SELECT v FROM t").timeout(Duration.ofMillis(100)).collect());
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 100 ms");
            assertThat(error.getCause()).as("the server's own answer to the cancel").isInstanceOf(PgServerException.class);
            assertThat(connection.isClosed()).isFalse();
            RowSet next = connection.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).isEqualTo("fine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * A server that reads nothing more (frozen) while a large parameter is being written: the close ends
     * with the socket closed and the statement failed, within the case limit. (The connection also
     * closes its socket after {@code FORCED_CLOSE_AFTER} when its Terminate cannot be written; this
     * harness did not get a Terminate stuck, so that bound is not what this case shows.)
     */
    @Test
    void aCloseWhoseTerminateTheServerNeverReadsStillClosesTheSocket() throws Exception {
        CountDownLatch caseOver = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
            } else {
                c.readStartupPacket(); // the close's CancelRequest, never answered
            }
            // frozen from here on: nothing is read, so the client's writes fill the socket buffers
            if (!caseOver.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the case never ended");
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<RowSet> stuck = connection.query("SELECT $1::bytea", (Object) new byte[96 << 20]); // past both socket buffers (Linux grows a receive buffer up to tcp_rmem: 32 MB here)
            connection.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(connection.isClosed()).isTrue();
            assertThat(failure(stuck)).isInstanceOf(PgClosedException.class).hasMessageContaining(server.label())
                    .as("the owner's close, not a socket failure: the pending write failed because of that close")
                    .hasMessageNotContaining("the connection was closed");
            // the close asked for ends the session normally: the buffer Netty failed at the close is not the socket's error
            assertThat(connection.closeFuture()).succeedsWithin(Duration.ofSeconds(5));
            caseOver.countDown();
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * A statement that times out while queued behind a long one is aborted without a CancelRequest
     * (only its Parse/Describe written: its end, a bare Sync outside a transaction, follows its
     * description): the server's silence is the statement ahead still running, not a server that
     * stopped answering, and the connection (with the statement ahead) must stay (review of the
     * silence rule).
     */
    @Test
    void aTimeoutWithoutACancelRequestBehindALongStatementKeepsTheConnection() throws Exception {
        CountDownLatch queuedOneFailed = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            if (c.readMessage().type() != 'Q') {
                throw new AssertionError("expected the long statement's Query first");
            }
            c.readThrough('H'); // the queued statement's Parse/Describe/Flush
            // its timeout writes nothing yet, and no CancelRequest: the long statement runs on, the
            // server says nothing, for longer than the cancel grace
            if (!queuedOneFailed.await(15, TimeUnit.SECONDS)) {
                throw new AssertionError("the queued statement never failed its timeout");
            }
            c.send(rowDescription("a"), dataRow("done"), commandComplete("SELECT 1"), Backend.readyForQuery());
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
            if (c.readMessage().type() != 'S') {
                throw new AssertionError("expected the queued statement's end outside a transaction: a bare Sync");
            }
            c.send(Backend.readyForQuery());
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<QueryResult> longOne = connection.simpleQuery("SELECT a");
            CompletableFuture<List<RowSet>> queued = connection.statement("SELECT v FROM t").timeout(Duration.ofMillis(200)).collect();
            Throwable error = failure(queued);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms");
            queuedOneFailed.countDown();
            QueryResult answer = longOne.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(answer.singleValue()).as("the statement ahead got its answer: the connection was not closed").isEqualTo("done");
            assertThat(connection.isClosed()).isFalse();
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * Silence rule, reading paused: a statement times out while another run, whose subscriber has no
     * demand, holds the socket unread. The server answered the timed-out statement at once; its answer
     * waits in the socket, and nothing read is not nothing sent: the connection stays (it was closed
     * at the end of the cancel grace, failing the next statement).
     */
    @Test
    void aTimeoutWhileAnotherRunPausedReadingKeepsTheConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H'); // the slow reader's statement
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("a"));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("1"), dataRow("2"), dataRow("3"), commandComplete("SELECT 3"), Backend.readyForQuery());
            c.readThrough('H'); // the statement that times out: answered at once, never read by the client in time
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("b"));
            c.readThrough('S'); // its abort while described
            c.send(Backend.readyForQuery());
            c.readThrough('H'); // the next statement
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("c"));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            List<Segment> slowReaderGot = new CopyOnWriteArrayList<>();
            CompletableFuture<Flow.Subscription> slowReader = new CompletableFuture<>();
            CompletableFuture<Void> slowReaderDone = new CompletableFuture<>();
            connection.statement("SELECT a FROM t").execute().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(2); // the columns and the first row; the rest waits, reading paused
                    slowReader.complete(subscription);
                }

                @Override
                public void onNext(Segment item) {
                    slowReaderGot.add(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    slowReaderDone.completeExceptionally(throwable);
                }

                @Override
                public void onComplete() {
                    slowReaderDone.complete(null);
                }
            });
            Conditions.awaitCondition("the slow reader's first row", () -> slowReaderGot.size() == 2);
            Throwable error = failure(connection.statement("SELECT b FROM t").timeout(Duration.ofMillis(200)).collect());
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms");
            slowReader.get(5, TimeUnit.SECONDS).request(Long.MAX_VALUE);
            slowReaderDone.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(slowReaderGot.stream().filter(Row.class::isInstance)).hasSize(3);
            RowSet next = connection.query("SELECT c FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).as("the connection was kept").isEqualTo("fine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * Silence rule, one large row: after a timeout's CancelRequest the server goes on sending a 64 KB
     * row slowly, for longer than the cancel grace (1 s), then the 57014. Bytes arrive, no whole message:
     * the server is not silent and the connection stays (it was closed at the end of the grace).
     */
    @Test
    void aTimedOutStatementWhoseServerSendsOneLargeRowSlowlyKeepsTheConnection() throws Exception {
        AtomicInteger order = new AtomicInteger();
        CountDownLatch cancelled = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("big"));
                c.readThrough('S');
                byte[] row = dataRow("x".repeat(64 * 1024));
                c.send(bindComplete(), java.util.Arrays.copyOf(row, 1024)); // the row starts
                if (!cancelled.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no CancelRequest after the timeout");
                }
                // a slow link: the rest of the row in 1 KB pieces over about 2.5 s (the simulated server's pace)
                for (int at = 1024; at < row.length; at += 1024) {
                    c.send(java.util.Arrays.copyOfRange(row, at, Math.min(at + 1024, row.length)));
                    Thread.sleep(40);
                }
                c.send(errorResponse("57014", "canceling statement due to user request"), Backend.readyForQuery());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest
                cancelled.countDown();
                c.close();
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.statement("SELECT big FROM t").timeout(Duration.ofMillis(200)).collect());
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms");
            RowSet next = connection.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).as("the connection was kept").isEqualTo("fine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aCopyFromStdinCancelledRightAfterItsCopyInResponseGetsOneSyncAndTheNextStatementItsOwnRows() throws Exception {
        AtomicInteger syncsOfTheCopy = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), message('n', new byte[0]));
            c.readThrough('E'); // Bind, Execute
            // the COPY starts, and a CancelRequest's signal lands before the client's first message is read:
            // the 57014 makes the backend skip to the next Sync; CopyFail is ignored then, every Sync answered
            c.send(message('G', new byte[]{0, 0, 1, 0, 0}), errorResponse("57014", "canceling statement due to user request"));
            char type;
            while ((type = c.readMessage().type()) != 'P') { // up to the next statement's Parse
                if (type == 'S') {
                    syncsOfTheCopy.incrementAndGet();
                    c.send(Backend.readyForQuery());
                }
            }
            if (syncsOfTheCopy.get() != 1) {
                throw new AssertionError(syncsOfTheCopy.get() + " Syncs for the COPY: the server would answer each with a ReadyForQuery");
            }
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("mine"), commandComplete("SELECT 1"), Backend.readyForQuery());
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<RowSet> copy = connection.query("COPY t FROM STDIN");
            CompletableFuture<RowSet> next = connection.query("SELECT v FROM t");
            assertThat(failure(copy)).isInstanceOf(io.pgconn.PgException.class);
            assertThat(next.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS).single(String.class)).isEqualTo("mine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aResultTypeChangeReportedInAnotherLanguageIsStillPreparedAgain() throws Exception {
        try (ScriptedServer server = serverAnswering(c -> {
            c.send(bindComplete(), dataRow("1"), commandComplete("SELECT 1"), Backend.readyForQuery());
            // the cached statement again: the server's lc_messages is German, the routine is not translated
            c.readThrough('S');
            c.send(errorResponse("0A000", "gespeicherter Plan darf den Ergebnistyp nicht ändern", "RevalidateCachedQuery"),
                    Backend.readyForQuery());
            // the re-run: Close of the stale statement, Parse, Describe, Flush ... then Bind, Execute, Sync
            c.readThrough('H');
            c.send(message('3', new byte[0]), message('1', new byte[0]), parameterDescription(), rowDescription("v", "w"));
            c.readThrough('S');
            c.send(bindComplete(), dataRow("2", "new"), commandComplete("SELECT 1"), Backend.readyForQuery());
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            RowSet first = connection.query("SELECT * FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first.single(String.class)).isEqualTo("1");
            RowSet again = connection.query("SELECT * FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(again.metadata().names()).containsExactly("v", "w");
            assertThat(again.row(0).get("w", String.class)).isEqualTo("new");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aParameterValueQuotedInAGermanDataExceptionIsLeftOutOfTheMessage() throws Exception {
        try (ScriptedServer server = serverAnswering(c -> {
            // lc_messages is German: the value comes in »…«, not in ASCII quotes
            c.send(errorResponse("22P02", "ungültige Eingabesyntax für Typ integer: »hunter2«"), Backend.readyForQuery());
            c.readThrough('S');
            c.send(bindComplete(), dataRow("fine"), commandComplete("SELECT 1"), Backend.readyForQuery());
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.query("SELECT v FROM t WHERE v = $1", "hunter2"));
            assertThat(error).isInstanceOf(PgServerException.class).hasMessageContaining("22P02")
                    .hasMessageContaining("ungültige Eingabesyntax für Typ integer: »…«").hasMessageNotContaining("hunter2");
            assertThat(((PgServerException) error).serverFields().toString()).doesNotContain("hunter2");
            RowSet next = connection.query("SELECT v FROM t WHERE v = $1", "fine").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).isEqualTo("fine");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void aRequestSubmittedWhileACancelIsInFlightIsWrittenOnlyAfterTheServerClosedTheCancelConnection() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cancelArrived = new CountDownLatch(1);
        CountDownLatch nextRequestArrived = new CountDownLatch(1);
        AtomicBoolean cancelOpen = new AtomicBoolean();
        AtomicBoolean writtenWhileCancelOpen = new AtomicBoolean();
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                running.countDown();
                if (!cancelArrived.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no CancelRequest");
                }
                c.send(errorResponse("57014", "canceling statement due to user request"), Backend.readyForQuery());
                c.readMessage(); // the next request's first message: it must not come while the cancel connection is open
                writtenWhileCancelOpen.set(cancelOpen.get());
                nextRequestArrived.countDown();
                c.readThrough('S');
                c.send(bindComplete(), dataRow("next"), commandComplete("SELECT 1"), Backend.readyForQuery());
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest
                cancelOpen.set(true);
                cancelArrived.countDown();
                // PostgreSQL closes the cancel connection once it has signalled the backend; until then a
                // request written behind could be what the signal cancels. Nothing may arrive meanwhile:
                // a bounded quiet period is the only way to observe "not written"
                nextRequestArrived.await(500, TimeUnit.MILLISECONDS);
                cancelOpen.set(false);
                c.close();
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<RowSet> cancelled = connection.query("SELECT v FROM t");
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            cancelled.cancel(true);
            assertThat(cancelArrived.await(10, TimeUnit.SECONDS)).isTrue();
            RowSet next = connection.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next.single(String.class)).isEqualTo("next");
            assertThat(writtenWhileCancelOpen.get()).as("the next request was written while the cancel was in flight").isFalse();
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    // ------------------------------------------------------------------ scripted server helpers

    private static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
        try {
            Object value = future.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within " + HostileClient.CASE_LIMIT, e);
        }
    }

    private static byte[] message(char type, byte[] body) {
        return Backend.message(type, body);
    }

    private static byte[] bindComplete() {
        return message('2', new byte[0]);
    }

    private static byte[] parameterDescription() {
        return message('t', new byte[]{0, 0});
    }

    private static byte[] commandComplete(String tag) {
        return message('C', Backend.cstring(tag));
    }

    /** Text columns (the binary form of text is its UTF-8 bytes, so either format reads the same). */
    private static byte[] rowDescription(String... columns) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(2).putShort((short) columns.length).array());
        for (String column : columns) {
            body.writeBytes(Backend.cstring(column));
            body.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(TEXT).putShort((short) -1)
                    .putInt(-1).putShort((short) 0).array());
        }
        return message('T', body.toByteArray());
    }

    private static byte[] dataRow(String... values) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            body.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            body.writeBytes(bytes);
        }
        return message('D', body.toByteArray());
    }

    /** An ERROR (not FATAL): the session goes on after it. */
    private static byte[] errorResponse(String sqlState, String text) {
        return errorResponse(sqlState, text, "errfinish");
    }

    /** An ERROR raised by {@code routine} (the 'R' field: the server function's name, never translated). */
    private static byte[] errorResponse(String sqlState, String text, String routine) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] field : new String[][]{{"S", "ERROR"}, {"V", "ERROR"}, {"C", sqlState}, {"M", text}, {"R", routine}}) {
            body.write(field[0].charAt(0));
            body.writeBytes(Backend.cstring(field[1]));
        }
        body.write(0);
        return message('E', body.toByteArray());
    }

    /**
     * PostgreSQL drops a CancelRequest that reaches the backend before it read the statement's Execute (it waits for
     * our next message then; under load the backend may not have read the Bind/Execute/Sync written after the
     * description when the caller cancels). The first CancelRequest here is dropped so — the cancel connection closed,
     * the statement going on unanswered —: it is sent again, and the second stops the statement, whose caller sees it
     * cancelled while the connection stays (docs/query.md §5). Seen failing before: one CancelRequest only, and the
     * connection closed after the cancel grace ("the server sent nothing for 1 s after a cancel request") — the
     * session-19 failures of StatementTraceIT and TransactionIT under load.
     */
    @Test
    void aCancelRequestTheServerDroppedIsSentAgain() throws Exception {
        DroppedFirstCancel cancels = new DroppedFirstCancel();
        CountDownLatch running = new CountDownLatch(1);
        try (ScriptedServer server = cancels.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.readThrough('H');
            c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
            c.readThrough('S');
            c.send(bindComplete());
            running.countDown();
            cancels.awaitSentAgain();
            c.send(errorResponse("57014", "canceling statement due to user request"), Backend.readyForQuery());
            assertThat(c.readMessage().type()).isEqualTo('Q');
            c.send(Backend.oneRow(new String[]{"still"}, new String[]{"usable"}));
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<RowSet> query = connection.query("SELECT v FROM t");
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

            query.cancel(true);

            assertThat(cancels.sentAgain(5)).as("a second CancelRequest").isTrue();
            assertThat(connection.simpleQuery("SELECT 'usable'").get(5, TimeUnit.SECONDS).rows()).containsExactly(List.of("usable"));
            assertThat(connection.isClosed()).isFalse();
            assertThat(cancels.cancels).as("no CancelRequest after the statement answered").hasValue(2);
            server.assertScriptsPassed();
        }
    }

    /**
     * A frozen server: it describes the statement, takes the Sync, then sends not one byte more; the
     * CancelRequest that follows the client's timeout arrives on a second connection and is never answered.
     */
    private static ScriptedServer.Script silentAfterTheCancelRequest() {
        CountDownLatch cancelArrived = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        return c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readThrough('H');
                c.send(message('1', new byte[0]), parameterDescription(), rowDescription("v"));
                c.readThrough('S');
                if (!cancelArrived.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no CancelRequest after the timeout");
                }
                c.awaitClientClose();
            } else {
                c.readStartupPacket();
                cancelArrived.countDown();
                c.awaitClientClose();
            }
        };
    }
}
