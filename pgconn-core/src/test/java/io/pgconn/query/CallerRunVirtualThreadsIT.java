package io.pgconn.query;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.pgconn.testing.Conditions.awaitCondition;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Virtual threads blocked on a caller-run group's connections against a real server (docs/query.md §1; R33b-5, new
 * user 33's F1): one virtual thread holds a row lock in a transaction while many others block on statements and
 * transactions that wait for it, on as many loops as the virtual-thread scheduler has carriers. A virtual thread that
 * led a loop would block in {@code epoll_wait}, a native call, pinning its carrier: once every carrier is pinned so, no
 * other virtual thread runs — not the next waiter, not the holder that would commit. Each must complete, and a JFR
 * recording must see no virtual thread pinned in the driver's code. Runs where virtual threads exist: in
 * {@code .ci/run}'s Java 25 pass.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class CallerRunVirtualThreadsIT {

    /** The virtual-thread scheduler's carriers (its default parallelism): one loop each, so leaders could pin all. */
    private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
            Runtime.getRuntime().availableProcessors());
    /** Three blocked virtual threads per loop: one would lead it, the others follow. */
    private static final int WAITERS = 3 * CARRIERS;

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.builder(18)
            .config("max_connections", Integer.toString(WAITERS + 20))
            .build();

    private EventLoopGroup group;
    private PgConnectionFactory factory;
    private PgConnectionFactory plain;

    @AfterEach
    void stop() throws InterruptedException {
        if (plain != null) {
            plain.close();
        }
        if (factory != null) {
            int leftOpen = factory.openConnections();
            try {
                factory.close();
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            assertThat(group.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(leftOpen).as("connections left open").isZero();
        }
    }

    private PgConnection connect(PgConnectionFactory from) {
        return await(from.connect(Connect.config(PG.primary(), QueryCluster.USER, null,
                "sslmode=disable extensionTypes='' blockingWaitSpin=50us")));
    }

    @Test
    void virtualThreadsBlockedBehindARowLockAllCompleteAndNonePinsItsCarrier(@TempDir Path dir) throws Exception {
        // the longest linger: the background thread does not take a loop back while the virtual threads start (with
        // the default 1 ms it may, by chance, and then leads for them, their carriers free), so callers lead the loops
        group = Transport.EPOLL.newCallerRunEventLoopGroup("crvirt", CARRIERS, Duration.ofSeconds(1));
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(group).build();
        plain = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
        PgConnection observer = connect(plain);
        await(observer.simpleQuery("CREATE TABLE vt_account (id int PRIMARY KEY, balance int NOT NULL);"
                + " INSERT INTO vt_account VALUES (1, 0)"));
        PgConnection holder = connect(factory);
        List<PgConnection> waiting = byLoop(factory);

        try (Recording pinned = new Recording()) {
            pinned.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            pinned.start();

            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<String>> ends = new ArrayList<>();
            ends.add(virtual("holder", () -> {
                holder.begin().join();
                holder.query("UPDATE vt_account SET balance = balance + 1 WHERE id = 1").join();
                locked.countDown();
                release.await(); // the application's step between statements: a virtual thread's park
                holder.commit().join();
                return "holder";
            }));
            assertThat(locked.await(Connect.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the holder locked the row").isTrue();
            for (int i = 0; i < WAITERS; i++) {
                PgConnection c = waiting.get(i);
                // the first on each loop in autocommit: a plain statement is sent on its caller's thread, which then
                // waits for it with the lead free (a transaction's deferred BEGIN takes the loop's way, which wakes the
                // background thread to lead); after them, every other one in a transaction
                boolean inTransaction = i >= CARRIERS && i % 2 == 0;
                ends.add(virtual("waiter " + i, () -> {
                    assertThat(c.query("SELECT 1").join().single(Integer.class)).isEqualTo(1);
                    if (inTransaction) {
                        c.begin().join();
                        c.query("UPDATE vt_account SET balance = balance + 1 WHERE id = 1").join();
                        c.commit().join();
                    } else {
                        c.query("UPDATE vt_account SET balance = balance + 1 WHERE id = 1").join();
                    }
                    return "waiter";
                }));
                // one at a time: each finds its loop's lead free when it waits (a virtual thread allowed to lead would
                // take it and pin a carrier; after as many as there are carriers, the next would never run)
                int blocked = i + 1;
                awaitCondition(blocked + " of " + WAITERS + " waiters blocked on the holder's row lock (" + CARRIERS
                        + " loops, as many carriers)", () -> observer.query("SELECT count(*)::int FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE vt_account%'").join()
                        .single(Integer.class) == blocked);
            }
            release.countDown();
            CompletableFuture<Void> all = CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
            assertThat(all).as("the holder's commit and every waiter's statements completed").succeedsWithin(Connect.LIMIT);
            assertThat(observer.query("SELECT balance FROM vt_account WHERE id = 1").join().single(Integer.class))
                    .isEqualTo(1 + WAITERS);

            pinned.stop();
            Path file = dir.resolve("pinned.jfr");
            pinned.dump(file);
            List<RecordedEvent> pins = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                    .collect(Collectors.toList());
            assertThat(pins.stream().filter(CallerRunVirtualThreadsIT::pinnedInTheDriver).map(CallerRunVirtualThreadsIT::describe))
                    .as("virtual threads pinned in pgconn's or Netty's code; all pins seen: %s",
                            pins.stream().map(CallerRunVirtualThreadsIT::describe).collect(Collectors.toList()))
                    .isEmpty();
        } finally {
            await(holder.close());
            for (PgConnection c : waiting) {
                await(c.close());
            }
            await(observer.close());
        }
    }

    /**
     * {@link #WAITERS} connections of {@code factory}, three on each of its loops, in the order loop 1, loop 2, ...,
     * loop 1, ...: the first {@link #CARRIERS} on as many loops (the group's choice of a loop is Netty's; a connection
     * on a loop that has its three is closed).
     */
    private List<PgConnection> byLoop(PgConnectionFactory from) {
        Map<EventLoop, List<PgConnection>> loops = new LinkedHashMap<>();
        List<PgConnection> surplus = new ArrayList<>();
        for (int made = 0; loops.values().stream().mapToInt(List::size).sum() < WAITERS; made++) {
            assertThat(made).as("connections made to get three on each of " + CARRIERS + " loops: " + loops).isLessThan(10 * WAITERS);
            PgConnection c = connect(from);
            List<PgConnection> on = loops.computeIfAbsent(SessionAccess.channel(c).eventLoop(), l -> new ArrayList<>());
            (on.size() < WAITERS / CARRIERS ? on : surplus).add(c);
        }
        for (PgConnection c : surplus) {
            await(c.close());
        }
        assertThat(loops).hasSize(CARRIERS);
        List<PgConnection> ordered = new ArrayList<>();
        for (int i = 0; i < WAITERS / CARRIERS; i++) {
            for (List<PgConnection> on : loops.values()) {
                ordered.add(on.get(i));
            }
        }
        return ordered;
    }

    /** A statement's body. */
    private interface Body {
        String run() throws Exception;
    }

    /** Runs {@code body} on a new virtual thread ({@code Thread.ofVirtual()}, called reflectively: the tests compile for Java 17). */
    private static CompletableFuture<String> virtual(String name, Body body) throws Exception {
        CompletableFuture<String> end = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                end.complete(body.run());
            } catch (Throwable e) {
                end.completeExceptionally(new AssertionError(name + " failed", e));
            }
        };
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, task);
        return end;
    }

    /**
     * A pin with the driver's machinery on the stack (its internals, Netty), not a class being loaded: a virtual thread
     * resolving a class another thread loads waits with the VM's frames on its stack, pinned, wherever it runs (the JDK's
     * limit, not the driver's).
     */
    private static boolean pinnedInTheDriver(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return false;
        }
        List<String> types = event.getStackTrace().getFrames().stream().map(RecordedFrame::getMethod)
                .filter(m -> m != null).map(m -> m.getType().getName()).collect(Collectors.toList());
        return types.stream().noneMatch(t -> t.equals("java.lang.ClassLoader") || t.startsWith("jdk.internal.loader."))
                && types.stream().anyMatch(t -> t.startsWith("io.pgconn.internal.") || t.startsWith("io.netty."));
    }

    private static String describe(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return "(no stack)";
        }
        return event.getStackTrace().getFrames().stream().limit(40)
                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber())
                .collect(Collectors.joining(" < ", "[", "]"));
    }
}
