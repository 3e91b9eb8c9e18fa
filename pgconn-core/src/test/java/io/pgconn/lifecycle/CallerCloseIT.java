package io.pgconn.lifecycle;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.internal.transport.CallerCloseGuard;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.lifecycle.LifecycleCluster.PASSWORD;
import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The close made on the caller's thread (docs/lifecycle.md §4): an idle plaintext session on epoll sends its
 * Terminate and shuts its socket down on the thread that calls {@code close()}, which completes with the owners'
 * hooks run; everything else goes the event loop's way. Races — a query, a second close, the server's own end,
 * notifications — in loops of many connections: no hang, every request answered or failed as closed, and no
 * protocol error in the server's log (a byte of a request after the Terminate would be one).
 */
class CallerCloseIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(18);

    private final List<Thread> closedOn = new CopyOnWriteArrayList<>();
    private PgConnectionFactory epoll;
    private long logStart;

    @BeforeEach
    void start() throws IOException {
        PgTracer tracer = new PgTracer() {
            @Override
            public void connectionClosed(ConnectionClosed event) {
                closedOn.add(Thread.currentThread());
            }
        };
        epoll = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(Transport.EPOLL).threads(2).tracer(tracer).build();
        logStart = Files.size(PG.primary().logFile());
    }

    @AfterEach
    void stop() throws IOException {
        int leftOpen = epoll.openConnections();
        epoll.close();
        assertThat(leftOpen).as("connections left open").isZero();
        byte[] all = Files.readAllBytes(PG.primary().logFile());
        String log = new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8);
        assertThat(log).as("the server's log while the test ran: no stray bytes, no Terminate missing")
                .doesNotContain("invalid frontend message").doesNotContain("invalid message length")
                .doesNotContain("incomplete message from client").doesNotContain("unexpected EOF on client connection");
    }

    private static PgConnection connect(PgConnectionFactory factory, String extra) {
        return await(factory.connect(Connect.config(PG.primary(), "scram_u", PASSWORD, "extensionTypes='' " + extra)));
    }

    private PgConnection connect() {
        return connect(epoll, "sslmode=disable");
    }

    @Test
    void anIdleConnectionIsClosedOnTheCallersThreadAndItsOwnersKnowWhenCloseReturns() throws Exception {
        PgConnection c = connect();
        assertThat(value(c, "SELECT 'idle after this'")).isEqualTo("idle after this");
        int pid = c.processId();

        CompletableFuture<Void> closed = c.close();

        // done when close() returns: the factory no longer counts it and the tracer heard it, on this thread
        assertThat(closed).isCompleted();
        assertThat(epoll.openConnections()).isZero();
        assertThat(closedOn).containsExactly(Thread.currentThread());
        assertThat(c.closeFuture()).isCompleted();
        assertThat(SessionAccess.closedOnCaller(c)).isTrue();
        assertThat(c.isClosed()).isTrue();
        // the server saw the Terminate and EOF; the loop freed the descriptor
        Backends.awaitGone(PG.primary(), pid);
        assertThat(SessionAccess.channel(c).closeFuture().await(5, TimeUnit.SECONDS)).as("the channel closed on the loop").isTrue();
        assertThat(failure(c.simpleQuery("SELECT 1"))).isInstanceOf(PgClosedException.class);
        assertThat(c.close()).isSameAs(closed);
    }

    /**
     * The shutdown wakes the loop, whose close event may run before the caller goes on: the hooks are the caller's all
     * the same, every time (a close in 30–60 lost them to the loop on a 2-core machine before session 27).
     */
    @Test
    void idleConnectionsClosedOneAfterAnotherAreEachClosedOnTheCallersThread() {
        for (int i = 0; i < 300; i++) {
            PgConnection c = connect();
            assertThat(value(c, "SELECT 'idle after this'")).isEqualTo("idle after this");
            closedOn.clear();

            CompletableFuture<Void> closed = c.close();

            assertThat(closed).as("close %d", i).isCompleted();
            assertThat(closedOn).as("close %d: the hooks ran on the caller's thread before close() returned", i)
                    .containsExactly(Thread.currentThread());
            assertThat(epoll.openConnections()).as("close %d", i).isZero();
            assertThat(SessionAccess.closedOnCaller(c)).isTrue();
        }
    }

    @Test
    void aConnectionRunningAStatementIsClosedOnTheLoopWithACancel() throws Exception {
        PgConnection c = connect();
        CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(30)");
        Backends.awaitActive(PG.primary(), c.processId());

        await(c.close());

        assertThat(SessionAccess.closedOnCaller(c)).isFalse();
        assertThat(failure(sleeping)).isInstanceOf(PgClosedException.class);
        assertThat(closedOn).hasSize(1).allMatch(t -> t != Thread.currentThread());
        Backends.awaitGone(PG.primary(), c.processId());
    }

    @Test
    void aRequestSubmittedBeforeTheCloseOnTheSameThreadIsWrittenBeforeTheTerminate() {
        PgConnection c = connect();
        CompletableFuture<QueryResult> before = c.simpleQuery("SELECT 1");

        await(c.close());

        if (SessionAccess.closedOnCaller(c)) {
            // the caller was preempted until the answer had come: idle then, so the caller's way — and the request answered
            assertThat(before).as("idle only once answered").isCompleted();
        } else {
            assertThat(before).isDone(); // answered, or failed by the close; never left waiting
        }
    }

    @Test
    void aConnectionWithANotificationListenerIsClosedOnTheLoopAndTheListenerHearsTheEnd() throws Exception {
        PgConnection c = connect();
        RecordingListener listener = new RecordingListener();
        await(c.listen("caller_close", listener));

        await(c.close());

        assertThat(SessionAccess.closedOnCaller(c)).isFalse();
        listener.awaitCompleted();
    }

    @Test
    void tlsAndNioConnectionsAreClosedOnTheLoop() {
        PgConnection tls = connect(epoll, "sslmode=require");
        await(tls.close());
        assertThat(SessionAccess.closedOnCaller(tls)).isFalse();

        try (PgConnectionFactory nio = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(Transport.NIO).threads(1).build()) {
            PgConnection c = connect(nio, "sslmode=disable");
            await(c.close());
            assertThat(SessionAccess.closedOnCaller(c)).isFalse();
            assertThat(nio.openConnections()).isZero();
        }
    }

    /**
     * The last place in the FIFO leaves it unwritten ({@code transactionStatusAfterInFlight()}: never written, as a
     * statement withdrawn at its turn): nothing is in flight, so the session is idle for a close on the caller's
     * thread already when that place's future completes, as after a ReadyForQuery — a caller it wakes may close at
     * once. Here the close is made on another thread while the completion still runs on the loop (the loop waits for
     * it), so the loop cannot give its count back in between: it must have done so before the completion.
     */
    @Test
    void aConnectionIsIdleForTheCallersCloseWhenItsLastPlaceLeftTheFifoUnwritten() throws Exception {
        PgConnection c = connect();
        CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(0.2)");
        CompletableFuture<Boolean> closedOnCaller = c.transactionStatusAfterInFlight()
                .thenApply(status -> CompletableFuture.supplyAsync(() -> {
                    c.close();
                    return SessionAccess.closedOnCaller(c);
                }).join());

        assertThat(closedOnCaller.get(10, TimeUnit.SECONDS)).as("closed on the caller's thread").isTrue();
        assertThat(sleeping).isCompleted();
        assertThat(c.closeFuture()).isCompleted();
    }

    @Test
    void aCloseOnTheEventLoopIsTheLoops() {
        PgConnection c = connect();
        await(c.simpleQuery("SELECT 1"));
        CompletableFuture<CompletableFuture<Void>> onTheLoop = new CompletableFuture<>();
        SessionAccess.channel(c).eventLoop().execute(() -> onTheLoop.complete(c.close()));
        await(await(onTheLoop));
        assertThat(SessionAccess.closedOnCaller(c)).isFalse();
    }

    /** A caller's close against queries submitted from another thread: each is answered or fails as closed, nothing hangs. */
    @Test
    void queriesRacingACloseAreAnsweredOrFailAsClosed() throws Exception {
        int callerCloses = 0;
        for (int round = 0; round < 150; round++) {
            PgConnection c = connect();
            List<CompletableFuture<QueryResult>> queries = new CopyOnWriteArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            Thread submitter = new Thread(() -> {
                ready.countDown();
                awaitQuietly(go);
                while (!stop.get() && !c.isClosed() && queries.size() < 2_000) {
                    queries.add(c.simpleQuery("SELECT 1"));
                }
                queries.add(c.simpleQuery("SELECT 'after'"));
            });
            submitter.start();
            ready.await();
            go.countDown(); // the first submit and the close start together: either may win the idle session
            await(c.close());
            stop.set(true);
            submitter.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(submitter.isAlive()).isFalse();
            for (CompletableFuture<QueryResult> q : queries) {
                try {
                    assertThat(await(q).commandTag()).startsWith("SELECT");
                } catch (PgException e) {
                    assertThat(e).isInstanceOf(PgClosedException.class);
                }
            }
            if (SessionAccess.closedOnCaller(c)) {
                callerCloses++;
            }
            assertThat(SessionAccess.channel(c).closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(callerCloses).as("closes made on the caller's thread").isPositive();
    }

    /** Two closes and the server's own end of the session at once (the prototype's race: EOF between send and shutdown). */
    @Test
    void closeRacingACloseAndTheServersEndCompletesOnce() throws Exception {
        PgConnection admin = connect();
        try {
            for (int round = 0; round < 100; round++) {
                PgConnection c = connect();
                int pid = c.processId();
                CountDownLatch go = new CountDownLatch(1);
                AtomicReference<CompletableFuture<Void>> other = new AtomicReference<>();
                Thread second = new Thread(() -> {
                    awaitQuietly(go);
                    other.set(c.close());
                });
                second.start();
                CompletableFuture<QueryResult> terminate = admin.simpleQuery("SELECT pg_terminate_backend(" + pid + ")");
                if (round % 2 == 0) {
                    await(terminate); // sometimes the server's end first, sometimes racing it
                }
                go.countDown();
                CompletableFuture<Void> mine = c.close();
                second.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(other.get()).isSameAs(mine);
                await(mine);
                await(c.closeFuture().handle((ok, error) -> null)); // normally, or with the FATAL the server sent first
                await(terminate);
                assertThat(SessionAccess.channel(c).closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            await(admin.close());
        }
        assertThat(epoll.openConnections()).isZero();
    }

    /** Notifications arriving while a caller closes a session that LISTENs with no listener of pgconn's. */
    @Test
    void closeWhileNotificationsArrive() throws Exception {
        PgConnection notifier = connect();
        try {
            for (int round = 0; round < 50; round++) {
                PgConnection c = connect();
                await(c.simpleQuery("LISTEN caller_close_flood"));
                for (int i = 0; i < 20; i++) {
                    notifier.simpleQuery("NOTIFY caller_close_flood, '" + i + "'");
                }
                await(notifier.simpleQuery("NOTIFY caller_close_flood, 'last'"));
                await(c.close());
                assertThat(SessionAccess.closedOnCaller(c)).as("idle, no listener of pgconn's: the caller's close").isTrue();
                Backends.awaitGone(PG.primary(), c.processId());
                assertThat(SessionAccess.channel(c).closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            await(notifier.close());
        }
    }

    /**
     * The loop's close of the channel waits while a caller holds the guard (as during its send and shutdown): the
     * descriptor stays open under the caller.
     */
    @Test
    void theLoopsCloseWaitsOutTheCallersSendAndShutdown() throws Exception {
        PgConnection c = connect();
        Channel channel = SessionAccess.channel(c);
        Thread loop = loopThread(channel);
        CallerCloseGuard guard = CallerCloseGuard.of(channel);
        assertThat(guard).isNotNull();
        guard.lock().lock();
        try {
            channel.close();
            Conditions.awaitCondition("the loop waiting for the guard", () -> guard.lock().hasQueuedThread(loop));
            assertThat(((UnixChannel) channel).fd().isOpen()).as("the descriptor under the caller").isTrue();
        } finally {
            guard.lock().unlock();
        }
        assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        await(c.close());
    }

    /**
     * The server's EOF while a caller holds the guard — the prototype's race (results/2026-12-05-session14-all.md §4):
     * the backend read the Terminate and exited before the caller's shutdown. The loop's close on that EOF waits for the
     * caller. Without half-closure Netty closes at EOF outside the pipeline, freeing the descriptor under the caller.
     */
    @Test
    void theServersEofWaitsOutTheCallersSendAndShutdown() throws Exception {
        PgConnection c = connect();
        Channel channel = SessionAccess.channel(c);
        Thread loop = loopThread(channel);
        CallerCloseGuard guard = CallerCloseGuard.of(channel);
        guard.lock().lock();
        try {
            // the caller's send, not yet its shutdown: the backend reads the Terminate and exits, an EOF with no message
            java.nio.ByteBuffer terminate = io.pgconn.internal.protocol.frontend.Terminate.directBytes();
            ((io.netty.channel.unix.Socket) ((UnixChannel) channel).fd()).send(terminate, terminate.position(), terminate.limit());
            Backends.awaitGone(PG.primary(), c.processId());
            Conditions.awaitCondition("the loop closing on the server's EOF, waiting for the guard",
                    () -> guard.lock().hasQueuedThread(loop));
            assertThat(((UnixChannel) channel).fd().isOpen()).as("the descriptor under the caller").isTrue();
        } finally {
            guard.lock().unlock();
        }
        assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(failure(c.closeFuture())).isInstanceOf(PgClosedException.class); // lost: no close was asked
        await(c.close());
    }

    private static Thread loopThread(Channel channel) {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        channel.eventLoop().execute(() -> thread.complete(Thread.currentThread()));
        return await(thread);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
