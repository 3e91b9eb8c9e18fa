package io.pgconn.internal.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.SelectStrategy;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.protocol.frontend.Sync;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When an event loop with busy-poll polls and when it sleeps (a fake clock and a scripted {@code epoll_wait(0)}); this
 * test's thread stands in for the loop's, on which the read and write paths call {@link BusyPollStrategy#answerRead(Object)}
 * and {@link BusyPollStrategy#requestWritten(Object)}.
 */
class BusyPollStrategyTest {

    /** The one connection of the tests that drive the strategy directly. */
    private static final Object CONNECTION = new Object();

    private long now = 1_000_000;
    private final Deque<Integer> ready = new ArrayDeque<>();
    private int polls;
    private final BusyPollStrategy strategy = new BusyPollStrategy(100_000, () -> now);

    @BeforeEach
    void theLoopIsAsleep() throws Exception {
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // its first turn, nothing to do: it sleeps at once
        assertThat(polls).isZero();
    }

    private int next(boolean hasTasks) throws Exception {
        return strategy.calculateStrategy(() -> {
            polls++;
            return ready.isEmpty() ? 0 : ready.poll();
        }, hasTasks);
    }

    @Test
    void afterAnAnswerTheLoopPollsForTheNextRequestUntilTheWindowEnds() throws Exception {
        BusyPollStrategy.answerRead(CONNECTION); // an answer woke it and was read
        assertThat(next(false)).isZero(); // nothing more ready: polls instead of sleeping
        now += 60_000;
        assertThat(next(false)).isZero();
        now += 39_999;
        assertThat(next(false)).isZero();
        now += 1;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // 100 µs without work: sleeps
        assertThat(polls).isEqualTo(4);
        assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isEqualTo(1);
    }

    @Test
    void aLoopWokenByATimerAloneSleepsAgainAtOnce() throws Exception {
        // the deadline of a scheduled task (a statement timer) woke it, on epoll through a ready timerfd: nothing read
        ready.add(1);
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).isZero();
        assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isZero();
    }

    @Test
    void aLoopWokenByATaskThatWritesARequestSleepsWhileTheServerWorks() throws Exception {
        BusyPollStrategy.requestWritten(CONNECTION); // a caller's request, woken by its task and written
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).isZero();
    }

    @Test
    void aRequestArrivingWhileItPollsIsRunAndThenTheLoopSleepsWhileTheServerWorks() throws Exception {
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(next(false)).isZero(); // polling
        ready.add(1);
        assertThat(next(true)).isEqualTo(1); // a task (the request): Netty's default, epoll_wait(0) then the tasks
        BusyPollStrategy.requestWritten(CONNECTION);
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // the request written: sleep until the answer
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(next(false)).isZero(); // the answer woke it: poll again
        assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isEqualTo(2);
    }

    @Test
    void anAnswerFollowedByARequestInTheSameTurnIsNotPolledAfter() throws Exception {
        BusyPollStrategy.answerRead(CONNECTION); // a chained caller: its next request is written in the turn that read the answer
        BusyPollStrategy.requestWritten(CONNECTION);
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).isZero();
    }

    @Test
    void aTaskThatWritesNothingLeavesTheWindowOpen() throws Exception {
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(next(false)).isZero();
        assertThat(next(true)).isZero(); // a timer's task, say: run, nothing written
        now += 50_000;
        assertThat(next(false)).isZero(); // still polling for the caller's request
        now += 50_000;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void anotherAnswerWhilePollingRestartsTheWindow() throws Exception {
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(next(false)).isZero();
        now += 90_000;
        ready.add(2);
        assertThat(next(false)).isEqualTo(2); // two sockets ready: handled, and one brought an answer
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(next(false)).isZero(); // a new window from here, the end of that I/O
        now += 99_999;
        assertThat(next(false)).isZero(); // 190 µs after the first poll: still polling
        now += 1;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void readyHandlesWithoutAnAnswerWhilePollingDoNotRestartTheWindow() throws Exception {
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(next(false)).isZero();
        now += 90_000;
        ready.add(1);
        assertThat(next(false)).isEqualTo(1); // the timerfd, say
        now += 10_000;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // the first window's end
    }

    @Test
    void withTasksWaitingItActsAsNettysDefault() throws Exception {
        ready.add(3);
        assertThat(next(true)).isEqualTo(3);
        assertThat(next(true)).isZero();
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void aThreadOfNoBusyPollingLoopHasNoWindows() throws Exception {
        AtomicLong windows = new AtomicLong();
        Thread other = new Thread(() -> {
            BusyPollStrategy.answerRead(CONNECTION); // the read path on a loop of Netty's default strategy: nothing to tell
            BusyPollStrategy.requestWritten(CONNECTION);
            windows.set(BusyPollStrategy.pollWindowsOnThisLoop());
        });
        other.start();
        other.join();
        assertThat(windows).hasValue(-1);
        assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isZero(); // this test's loop: none opened
    }

    @Test
    void betweenTwoLooksThatFoundNothingThePollRunsItsPauseAndOnOneCpuOffersTheCpu() throws Exception {
        AtomicLong pauses = new AtomicLong();
        BusyPollStrategy counted = new BusyPollStrategy(100_000, () -> now, pauses::incrementAndGet);
        IntSupplierOf selectNow = new IntSupplierOf();
        assertThat(counted.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT); // registers on this thread
        BusyPollStrategy.answerRead(CONNECTION);
        assertThat(counted.calculateStrategy(selectNow, false)).isZero();
        assertThat(counted.calculateStrategy(selectNow, false)).isZero();
        assertThat(pauses).hasValue(2); // after each look that found nothing
        selectNow.next = 1;
        assertThat(counted.calculateStrategy(selectNow, false)).isEqualTo(1); // a look that found something: no pause
        assertThat(pauses).hasValue(2);
        selectNow.next = 0;
        now += 100_000;
        assertThat(counted.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT); // the window's end: no pause
        assertThat(pauses).hasValue(2);

        // the pause: Thread.yield with one CPU, nothing with more
        assertThat(BusyPollStrategy.betweenLooks(1)).isNotSameAs(BusyPollStrategy.betweenLooks(2));
        assertThat(BusyPollStrategy.betweenLooks(2)).isSameAs(BusyPollStrategy.betweenLooks(32));
    }

    /** A scripted {@code epoll_wait(0)} answering {@link #next} each time. */
    private static final class IntSupplierOf implements io.netty.util.IntSupplier {
        int next;

        @Override
        public int get() {
            return next;
        }
    }

    /** ReadyForQuery 'I': an answer's last message. */
    private static final byte[] READY = {'Z', 0, 0, 0, 5, 'I'};

    private static EmbeddedChannel connection() {
        return new EmbeddedChannel(new BackendMessageDecoder("db", 1 << 20, 1 << 20), FrontendMessageEncoder.INSTANCE);
    }

    @Test
    void anotherConnectionsRequestInTheSameTurnDoesNotCloseTheWindowThisOnesAnswerOpened() throws Exception {
        // two connections on one loop (REVIEW-12): A's caller was handed its answer, B's request was written in the same turn
        EmbeddedChannel a = connection();
        EmbeddedChannel b = connection();
        try {
            a.writeInbound(Unpooled.wrappedBuffer(READY));
            b.writeOutbound(Sync.INSTANCE);
            assertThat(next(false)).isZero(); // A's caller may submit now: poll for it
            now += 50_000;
            b.writeOutbound(Sync.INSTANCE); // another of B's requests while polling
            assertThat(next(false)).isZero(); // still A's window
            a.writeOutbound(Sync.INSTANCE); // A's next request: nobody is waited for any more
            assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
            assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isEqualTo(1);
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
        }
    }

    @Test
    void withMoreConnectionsAwaitedThanAreToldApartTheWindowRunsToItsEnd() throws Exception {
        Object[] connections = new Object[BusyPollStrategy.TRACKED + 1];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new Object();
            BusyPollStrategy.answerRead(connections[i]);
        }
        for (int i = 0; i < BusyPollStrategy.TRACKED; i++) {
            BusyPollStrategy.requestWritten(connections[i]);
        }
        assertThat(next(false)).isZero(); // the last one's caller may still come: not told apart, so polled for
        now += 100_000;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        BusyPollStrategy.answerRead(CONNECTION);
        BusyPollStrategy.requestWritten(CONNECTION);
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // forgotten with the window: tracked again
    }

    @Test
    void theConnectionThatReadTheAnswerClosesTheWindowWithItsRequest() throws Exception {
        EmbeddedChannel a = connection();
        try {
            a.writeInbound(Unpooled.wrappedBuffer(READY));
            a.writeOutbound(Sync.INSTANCE); // a chained caller: its request in the turn that read its answer
            assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
            assertThat(polls).isZero();
        } finally {
            a.finishAndReleaseAll();
        }
    }

    @Test
    void aConnectionWhoseAnswerNoRequestFollowedIsForgottenWhenTheWindowEnds() throws Exception {
        EmbeddedChannel a = connection();
        EmbeddedChannel b = connection();
        try {
            a.writeInbound(Unpooled.wrappedBuffer(READY)); // A's caller never comes back (an idle pooled connection)
            assertThat(next(false)).isZero();
            now += 100_000;
            assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // the window ended
            b.writeInbound(Unpooled.wrappedBuffer(READY));
            assertThat(next(false)).isZero();
            b.writeOutbound(Sync.INSTANCE); // B's next request: A's old answer keeps no window open
            assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
        }
    }
}
