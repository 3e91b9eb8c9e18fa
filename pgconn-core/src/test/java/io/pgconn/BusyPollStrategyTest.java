package io.pgconn;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;

/** When an event loop with {@code eventLoopBusyPoll} polls and when it sleeps (a fake clock and a scripted {@code epoll_wait(0)}). */
class BusyPollStrategyTest {

    private long now = 1_000_000;
    private final Deque<Integer> ready = new ArrayDeque<>();
    private int polls;
    private final BusyPollStrategy strategy = new BusyPollStrategy(100_000, () -> now);

    private int next(boolean hasTasks) throws Exception {
        return strategy.calculateStrategy(() -> {
            polls++;
            return ready.isEmpty() ? 0 : ready.poll();
        }, hasTasks);
    }

    @Test
    void aLoopWithNothingToDoSleepsAtOnce() throws Exception {
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).isZero();
    }

    @Test
    void afterAnAnswerTheLoopPollsForTheNextRequestUntilTheWindowEnds() throws Exception {
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // asleep; an answer wakes it
        assertThat(next(false)).isZero(); // woken by I/O, nothing more ready: polls instead of sleeping
        now += 60_000;
        assertThat(next(false)).isZero();
        now += 39_999;
        assertThat(next(false)).isZero();
        now += 1;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // 100 µs without work: sleeps
        assertThat(polls).isEqualTo(4);
    }

    @Test
    void aRequestArrivingWhileItPollsIsRunAndThenTheLoopSleepsWhileTheServerWorks() throws Exception {
        next(false); // asleep; an answer wakes it
        assertThat(next(false)).isZero(); // polling
        ready.add(1);
        assertThat(next(true)).isEqualTo(1); // a task (the request): Netty's default, epoll_wait(0) then the tasks
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT); // the request written: sleep until the answer
        assertThat(next(false)).isZero(); // the answer woke it: poll again
    }

    @Test
    void moreIoWhilePollingRestartsTheWindow() throws Exception {
        next(false);
        assertThat(next(false)).isZero();
        now += 90_000;
        ready.add(2);
        assertThat(next(false)).isEqualTo(2); // two sockets ready: handled
        assertThat(next(false)).isZero(); // a new window from here, the end of that I/O
        now += 99_999;
        assertThat(next(false)).isZero(); // 190 µs after the first poll: still polling
        now += 1;
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void withTasksWaitingItActsAsNettysDefault() throws Exception {
        ready.add(3);
        assertThat(next(true)).isEqualTo(3);
        assertThat(next(true)).isZero();
        assertThat(next(false)).isEqualTo(SelectStrategy.SELECT);
    }
}
