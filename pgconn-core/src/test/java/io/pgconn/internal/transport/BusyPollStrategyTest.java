package io.pgconn.internal.transport;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When an event loop with busy-poll polls and when it sleeps (a fake clock and a scripted {@code epoll_wait(0)}); this
 * test's thread stands in for the loop's, on which the read and write paths call {@link BusyPollStrategy#answerRead()}
 * and {@link BusyPollStrategy#requestWritten()}.
 */
class BusyPollStrategyTest {

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
        BusyPollStrategy.answerRead(); // an answer woke it and was read
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
        BusyPollStrategy.requestWritten(); // a caller's request, woken by its task and written
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).isZero();
    }

    @Test
    void aRequestArrivingWhileItPollsIsRunAndThenTheLoopSleepsWhileTheServerWorks() throws Exception {
        BusyPollStrategy.answerRead();
        assertThat(next(false)).isZero(); // polling
        ready.add(1);
        assertThat(next(true)).isEqualTo(1); // a task (the request): Netty's default, epoll_wait(0) then the tasks
        BusyPollStrategy.requestWritten();
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // the request written: sleep until the answer
        BusyPollStrategy.answerRead();
        assertThat(next(false)).isZero(); // the answer woke it: poll again
        assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isEqualTo(2);
    }

    @Test
    void anAnswerFollowedByARequestInTheSameTurnIsNotPolledAfter() throws Exception {
        BusyPollStrategy.answerRead(); // a chained caller: its next request is written in the turn that read the answer
        BusyPollStrategy.requestWritten();
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).isZero();
    }

    @Test
    void aTaskThatWritesNothingLeavesTheWindowOpen() throws Exception {
        BusyPollStrategy.answerRead();
        assertThat(next(false)).isZero();
        assertThat(next(true)).isZero(); // a timer's task, say: run, nothing written
        now += 50_000;
        assertThat(next(false)).isZero(); // still polling for the caller's request
        now += 50_000;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void anotherAnswerWhilePollingRestartsTheWindow() throws Exception {
        BusyPollStrategy.answerRead();
        assertThat(next(false)).isZero();
        now += 90_000;
        ready.add(2);
        assertThat(next(false)).isEqualTo(2); // two sockets ready: handled, and one brought an answer
        BusyPollStrategy.answerRead();
        assertThat(next(false)).isZero(); // a new window from here, the end of that I/O
        now += 99_999;
        assertThat(next(false)).isZero(); // 190 µs after the first poll: still polling
        now += 1;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void readyHandlesWithoutAnAnswerWhilePollingDoNotRestartTheWindow() throws Exception {
        BusyPollStrategy.answerRead();
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
            BusyPollStrategy.answerRead(); // the read path on a loop of Netty's default strategy: nothing to tell
            BusyPollStrategy.requestWritten();
            windows.set(BusyPollStrategy.pollWindowsOnThisLoop());
        });
        other.start();
        other.join();
        assertThat(windows).hasValue(-1);
        assertThat(BusyPollStrategy.pollWindowsOnThisLoop()).isZero(); // this test's loop: none opened
    }
}
