package io.pgconn.query;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgServerException;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.internal.transport.BusyPollStrategy;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.pgconn.testing.Conditions.awaitCondition;

/**
 * An event loop group whose loops busy-poll after an answer ({@link Transport#newEventLoopGroup(int, Duration)}): the
 * loop polls between an answer and the caller's next request, sleeps once it has written a request or the poll ran out
 * (and at once after a timer or a task alone: counted poll windows), and the query path behaves as on a sleeping loop. The loop's state is the kernel's ({@code /proc/<pid>/task/<tid>/stat}:
 * R running or runnable, S asleep).
 */
class EventLoopBusyPollIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void aCallerBlockedOnEachStatementGetsItsRowsAndErrorsAndTheLoopSleepsWhenIdle(Transport transport) throws Exception {
        EventLoopGroup group = transport.newEventLoopGroup(1, Duration.ofMillis(1));
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(group).build()) {
            PgConnection c = connect(factory);
            for (int i = 0; i < 200; i++) {
                assertThat(c.query("SELECT $1::int + 1", i).join().single(Integer.class)).isEqualTo(i + 1);
            }
            assertThatThrownBy(() -> c.query("SELECT 1/0").join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(PgServerException.class);
            List<CompletableFuture<RowSet>> pipelined = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                pipelined.add(c.query("SELECT $1::int", i));
            }
            for (int i = 0; i < 300; i++) {
                assertThat(pipelined.get(i).get(10, TimeUnit.SECONDS).single(Integer.class)).isEqualTo(i);
            }
            assertThat(c.query("SELECT 'still usable'").join().single(String.class)).isEqualTo("still usable");

            Path loop = loopThread(group);
            awaitCondition("the idle loop asleep", () -> state(loop) == 'S'); // not polling on
            await(c.close());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * The busy-polling loop is running when the caller has its answer. (A default loop's state there is not asserted:
     * under load a sleeping loop still finishing its turn, or waiting for a CPU, reads 'R' too — it did 43 of 50
     * times in a loaded run; the counted poll windows below tell polling from not polling without the scheduler.)
     */
    @Test
    void theLoopIsRunningRightAfterAnAnswer() throws Exception {
        Transport transport = Transport.EPOLL.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertThat(runningRightAfterAnswers(transport.newEventLoopGroup(1, Duration.ofMillis(10)))).isGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void theLoopPollsAfterAnAnswerNoRequestFollowedNotAfterATimerATaskOrAChainedRequest(Transport transport) throws Exception {
        EventLoopGroup group = transport.newEventLoopGroup(1, Duration.ofMillis(10));
        EventLoop loop = group.next();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(group).build()) {
            for (int i = 0; i < 20; i++) {
                loop.schedule(() -> null, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS); // a deadline wakes the loop
                loop.submit(() -> null).get(10, TimeUnit.SECONDS); // a task wakes it
            }
            assertThat(pollWindows(loop)).as("poll windows after timers and tasks alone").isZero();

            PgConnection c = connect(factory);
            long beforeAnswer = pollWindows(loop);
            c.query("SELECT 1").join(); // no request follows this answer: the loop polls for one
            awaitCondition("a poll window after an answer no request followed", () -> pollWindows(loop) > beforeAnswer);

            long beforeChain = pollWindows(loop);
            CompletableFuture<RowSet> chain = c.query("SELECT 0");
            for (int i = 1; i < 20; i++) {
                int n = i;
                chain = chain.thenCompose(rows -> c.query("SELECT $1::int", n)); // written in the loop turn that read the answer
            }
            assertThat(chain.get(10, TimeUnit.SECONDS).single(Integer.class)).isEqualTo(19);
            assertThat(pollWindows(loop) - beforeChain).as("poll windows after a chain of 20 answers (its last one; an answer read in"
                    + " two turns adds one)").isLessThanOrEqualTo(5);
            await(c.close());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** How many poll windows the loop opened so far, read on the loop. */
    private static long pollWindows(EventLoop loop) {
        return loop.submit(BusyPollStrategy::pollWindowsOnThisLoop).syncUninterruptibly().getNow();
    }

    @Test
    void aBusyPollOutsideItsRangeOrOnIoUringIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> Transport.NIO.newEventLoopGroup(1, Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 ns").hasMessageContaining("0 to 10000 µs");
        assertThatThrownBy(() -> Transport.NIO.newEventLoopGroup(1, Duration.ofMillis(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11000000 ns").hasMessageContaining("0 to 10000 µs");
        assertThatThrownBy(() -> Transport.IO_URING.newEventLoopGroup(1, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000000 ns").hasMessageContaining("io_uring");
    }

    /** Of 50 blocked queries, after how many the loop thread was running or runnable when the caller had its answer. */
    private static int runningRightAfterAnswers(EventLoopGroup group) throws Exception {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(group).build()) {
            PgConnection c = connect(factory);
            Path loop = loopThread(group);
            int running = 0;
            for (int i = 0; i < 50; i++) {
                c.query("SELECT $1::int", i).join();
                if (state(loop) == 'R') {
                    running++;
                }
            }
            await(c.close());
            return running;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static PgConnection connect(PgConnectionFactory factory) {
        return await(factory.connect(Connect.config(PG.primary(), QueryCluster.USER, null, "sslmode=disable extensionTypes=''")));
    }

    /** {@code /proc/self/task/<tid>} of the group's one loop thread, read on that thread. */
    private static Path loopThread(EventLoopGroup group) throws Exception {
        Path self = group.submit(() -> Files.readSymbolicLink(Path.of("/proc/thread-self"))).get(10, TimeUnit.SECONDS);
        return Path.of("/proc/self/task").resolve(self.getFileName());
    }

    private static char state(Path task) {
        String stat;
        try {
            stat = Files.readString(task.resolve("stat"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
