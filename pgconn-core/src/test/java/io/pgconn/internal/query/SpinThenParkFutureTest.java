package io.pgconn.internal.query;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code blockingWaitSpin} future: a wait spins until the value comes (not for the whole spin), stops
 * spinning when interrupted or when a get timeout passes, fails as a plain future does, and never spins
 * on an event loop. The spins here are an hour long: a spin that did not end at its condition would hang
 * the test (its {@code @Timeout}), so no assertion depends on how fast anything is.
 */
@Timeout(30)
class SpinThenParkFutureTest {

    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @Test
    void joinAndGetReturnTheValueCompletedWhileSpinning() throws Exception {
        SpinThenParkFuture<String> joined = new SpinThenParkFuture<>(HOUR);
        new Thread(() -> joined.complete("row")).start();
        assertThat(joined.join()).isEqualTo("row");

        SpinThenParkFuture<String> got = new SpinThenParkFuture<>(HOUR);
        new Thread(() -> got.complete("row")).start();
        assertThat(got.get()).isEqualTo("row");
        assertThat(got.get(1, TimeUnit.SECONDS)).isEqualTo("row");
    }

    @Test
    void anInterruptEndsTheSpinAndGetThrowsInterruptedException() throws Exception {
        SpinThenParkFuture<String> future = new SpinThenParkFuture<>(HOUR);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                future.get();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        waiter.start();
        waiter.interrupt(); // spinning or not yet: either way get() must give up
        waiter.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(future.isDone()).isFalse();
    }

    @Test
    void getWithATimeoutShorterThanTheSpinTimesOut() {
        SpinThenParkFuture<String> future = new SpinThenParkFuture<>(HOUR);
        assertThatThrownBy(() -> future.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> future.get(0, TimeUnit.NANOSECONDS)).isInstanceOf(TimeoutException.class);
    }

    /**
     * REVIEW-12 L: a timeout as negative as a long goes (Long.MIN_VALUE ns, or any unit's saturated to it) times out at
     * once, as on a plain future; the time spent before parking was taken from it and wrapped round to ~292 years.
     */
    @Test
    void getWithTheMostNegativeTimeoutTimesOutAtOnce() {
        for (long spin : new long[] {0, HOUR}) {
            SpinThenParkFuture<String> future = new SpinThenParkFuture<>(spin);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
                assertThatThrownBy(() -> future.get(Long.MIN_VALUE, TimeUnit.NANOSECONDS)).isInstanceOf(TimeoutException.class);
                assertThatThrownBy(() -> future.get(-Long.MAX_VALUE, TimeUnit.DAYS)).isInstanceOf(TimeoutException.class);
            });
        }
    }

    @Test
    void anExceptionalCompletionThrowsAsFromAPlainFuture() throws Exception {
        IllegalStateException failure = new IllegalStateException("the statement failed");
        SpinThenParkFuture<String> joined = new SpinThenParkFuture<>(HOUR);
        new Thread(() -> joined.completeExceptionally(failure)).start();
        assertThatThrownBy(joined::join).isInstanceOf(CompletionException.class).hasCause(failure);
        assertThatThrownBy(joined::get).isInstanceOf(ExecutionException.class).hasCause(failure);
        assertThatThrownBy(() -> joined.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(failure);

        SpinThenParkFuture<String> cancelled = new SpinThenParkFuture<>(HOUR);
        new Thread(() -> cancelled.cancel(false)).start();
        assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void stagesMadeFromItAreOnesToo() {
        SpinThenParkFuture<Integer> spinning = new SpinThenParkFuture<>(HOUR);
        CompletableFuture<Integer> next = spinning.thenApply(n -> n + 1);
        assertThat(next).isInstanceOf(SpinThenParkFuture.class);
        new Thread(() -> spinning.complete(1)).start();
        assertThat(next.join()).isEqualTo(2);

        assertThat(new SpinThenParkFuture<Integer>(0).thenApply(n -> n)).isInstanceOf(SpinThenParkFuture.class);
        assertThat(new SpinThenParkFuture<Integer>(0).spinsOnThisThread()).isFalse();
        assertThat(spinning.spinsOnThisThread()).isTrue();
    }

    /**
     * A wait told to pause otherwise (a connect's and a close()'s future yield the CPU) runs that pause while the
     * value has not come, and no more once it has; the stages made from it pause the same way.
     */
    @Test
    void aWaitRunsItsPauseUntilTheValueComesThenStops() {
        AtomicInteger pauses = new AtomicInteger();
        AtomicReference<SpinThenParkFuture<String>> self = new AtomicReference<>();
        SpinThenParkFuture<String> future = new SpinThenParkFuture<>(HOUR, () -> {
            if (pauses.incrementAndGet() == 3) {
                self.get().complete("closed");
            }
        });
        self.set(future);
        assertThat(future.join()).isEqualTo("closed");
        assertThat(pauses).hasValue(3);

        AtomicInteger stagePauses = new AtomicInteger();
        AtomicReference<SpinThenParkFuture<String>> first = new AtomicReference<>();
        first.set(new SpinThenParkFuture<>(HOUR, () -> {
            if (stagePauses.incrementAndGet() == 2) {
                first.get().complete("a");
            }
        }));
        CompletableFuture<String> stage = first.get().thenApply(v -> v + "b");
        assertThat(stage.join()).isEqualTo("ab");
        assertThat(stagePauses).hasValue(2);
    }

    /**
     * A connection's spins that run to their end without the answer back off ({@link WaitSpinBackoff}): after two in a
     * row the next wait parks without a spin (its pause never runs), the one after spins again as a probe, a failed
     * probe parks the next two, and a probe that sees the answer ends the back-off. No future here is answered but by
     * its own pause, so each spin fails or succeeds by construction, however fast the machine is.
     */
    @Test
    void spinsThatKeepFailingBackOffAndOneThatSeesTheAnswerEndsIt() {
        WaitSpinBackoff backoff = new WaitSpinBackoff(TimeUnit.MICROSECONDS.toNanos(200));
        AtomicInteger pauses = new AtomicInteger();
        List<Boolean> spun = new java.util.ArrayList<>();
        for (int wait = 0; wait < 7; wait++) {
            int before = pauses.get();
            SpinThenParkFuture<String> unanswered = new SpinThenParkFuture<>(backoff.spinNanos(), pauses::incrementAndGet, backoff);
            assertThatThrownBy(() -> unanswered.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            spun.add(pauses.get() > before);
        }
        // fail, fail (back off: 1 parked), probe fails (2 parked), probe fails (4 parked from here)
        assertThat(spun).containsExactly(true, true, false, true, false, false, true);
        assertThat(backoff.backingOff()).isTrue();

        for (int parked = 0; parked < 4; parked++) {
            assertThat(backoff.nextSpin()).isZero(); // the rest of the run, as waits would take it
        }
        AtomicReference<SpinThenParkFuture<String>> self = new AtomicReference<>();
        self.set(new SpinThenParkFuture<>(backoff.spinNanos(), () -> self.get().complete("row"), backoff));
        assertThat(self.get().join()).isEqualTo("row"); // the probe sees the answer
        assertThat(backoff.backingOff()).isFalse();

        int before = pauses.get();
        SpinThenParkFuture<String> next = new SpinThenParkFuture<>(backoff.spinNanos(), pauses::incrementAndGet, backoff);
        assertThatThrownBy(() -> next.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(pauses.get()).isGreaterThan(before); // spinning again, and one failure alone does not back off
        assertThat(backoff.backingOff()).isFalse();
    }

    /**
     * A statement's future under {@code blockingWaitSpin} yields its CPU at each turn of the spin, and so do the stages
     * made from it (the futures a caller joins: {@code query(...).thenApply(...)}): the loop that completes it may be
     * queued on that CPU. Without the setting it neither spins nor yields.
     */
    @Test
    void aStatementsBlockingWaitSpinYieldsTheCpuAndSoDoItsStages() {
        SpinThenParkFuture<String> statement = new SpinThenParkFuture<>(new WaitSpinBackoff(HOUR));
        assertThat(statement.yieldsFirst()).isTrue();
        assertThat(((SpinThenParkFuture<String>) statement.thenApply(v -> v)).yieldsFirst()).isTrue();
        assertThat(new SpinThenParkFuture<String>(WaitSpinBackoff.NONE).yieldsFirst()).isFalse();
    }

    /**
     * The wait for work handed to an event loop (connect, close) yields the CPU for a moment only: a value that does
     * not come then finds the caller parked as on a plain future (a yield without end would keep the waiter
     * RUNNABLE and this test would hit its timeout); a plain spin ({@link SpinThenParkFuture#ON_SPIN_WAIT}) does not yield.
     */
    @Test
    void aHandOffWaitYieldsForAMomentThenParks() throws Exception {
        SpinThenParkFuture<String> future = SpinThenParkFuture.yieldingFirst();
        assertThat(future.yieldsFirst()).isTrue();
        assertThat(((SpinThenParkFuture<String>) future.thenApply(v -> v)).yieldsFirst()).isTrue();
        assertThat(new SpinThenParkFuture<String>(HOUR).yieldsFirst()).isFalse();
        assertThat(SpinThenParkFuture.HAND_OFF_YIELD_NANOS).isPositive().isLessThanOrEqualTo(TimeUnit.MICROSECONDS.toNanos(100));

        AtomicReference<String> joined = new AtomicReference<>();
        Thread waiter = new Thread(() -> joined.set(future.join()));
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // a condition, bounded by the class's @Timeout
        }
        future.complete("closed");
        waiter.join();
        assertThat(joined.get()).isEqualTo("closed");
    }

    /**
     * On an event loop a wait for a future not yet done is refused, naming the thread (the answer is read by an
     * event loop: on the connection's own it would never come; new user 7 F2); a done one is read; nothing spins.
     */
    @Test
    void onAnEventLoopAWaitForAnUnansweredFutureIsRefusedAndADoneOneIsRead() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        SpinThenParkFuture<String> future = new SpinThenParkFuture<>(HOUR);
        try {
            String loopName = loop.submit(() -> Thread.currentThread().getName()).get();
            assertThat(loop.submit(future::spinsOnThisThread).get()).isFalse();
            CompletableFuture<String> stage = future.thenApply(s -> s + "!");
            for (Callable<Object> wait : List.<Callable<Object>>of(future::join, future::get, () -> future.get(1, TimeUnit.HOURS),
                    stage::join)) {
                Future<Object> waited = loop.submit(wait);
                assertThatThrownBy(() -> waited.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("event loop thread (" + loopName + ")").hasMessageContaining("thenCompose");
            }
            future.complete("row");
            assertThat(loop.submit(future::join).get()).isEqualTo("row");
            assertThat(loop.submit(() -> stage.get()).get()).isEqualTo("row!");
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * The completing thread can tell whether it woke a blocked caller (a close done on the event loop then hands that
     * caller the CPU, docs/lifecycle.md §4): set by every blocking wait begun before the value came, not by a wait on a
     * done future, nor by one refused on an event loop, nor by a callback.
     */
    @Test
    void theCompletingThreadKnowsWhetherACallerIsBlockedOnTheFuture() throws Exception {
        SpinThenParkFuture<String> joined = SpinThenParkFuture.yieldingFirst();
        SpinThenParkFuture<String> got = new SpinThenParkFuture<>(0);
        SpinThenParkFuture<String> gotWithTimeout = new SpinThenParkFuture<>(HOUR);
        List<SpinThenParkFuture<String>> futures = List.of(joined, got, gotWithTimeout);
        List<Callable<Object>> waits = List.of(joined::join, got::get, () -> gotWithTimeout.get(1, TimeUnit.HOURS));
        for (int i = 0; i < futures.size(); i++) {
            SpinThenParkFuture<String> future = futures.get(i);
            future.thenApply(s -> s + "!"); // a callback is no waiter
            assertThat(future.hasBlockedWaiter()).isFalse();
            Callable<Object> wait = waits.get(i);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    result.set(wait.call());
                } catch (Exception e) {
                    result.set(e);
                }
            });
            waiter.start();
            while (!future.hasBlockedWaiter()) {
                Thread.onSpinWait(); // the waiter's wait has begun (spinning, yielding or parked)
            }
            future.complete("row");
            waiter.join();
            assertThat(result.get()).isEqualTo("row");
            assertThat(future.hasBlockedWaiter()).as("a wait that returned counts no more").isFalse();
        }

        SpinThenParkFuture<String> waitedOut = new SpinThenParkFuture<>(0);
        assertThatThrownBy(() -> waitedOut.get(0, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> waitedOut.get(1, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(waitedOut.hasBlockedWaiter()).as("no time to wait, and a wait that timed out (AUDIT-15 L2)").isFalse();

        SpinThenParkFuture<String> done = new SpinThenParkFuture<>(HOUR);
        done.complete("row");
        assertThat(done.join()).isEqualTo("row");
        assertThat(done.get(1, TimeUnit.SECONDS)).isEqualTo("row");
        assertThat(done.hasBlockedWaiter()).isFalse();

        EventLoop loop = new DefaultEventLoop();
        SpinThenParkFuture<String> refused = new SpinThenParkFuture<>(HOUR);
        try {
            Future<Object> waited = loop.submit(refused::join);
            assertThatThrownBy(() -> waited.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class);
            assertThat(refused.hasBlockedWaiter()).isFalse();
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
