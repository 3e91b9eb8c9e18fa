package io.pgconn.internal.query;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Conditions.awaitCondition;
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
    void stagesMadeFromItSpinTooAndWithoutASpinTheyArePlainFutures() {
        SpinThenParkFuture<Integer> spinning = new SpinThenParkFuture<>(HOUR);
        CompletableFuture<Integer> next = spinning.thenApply(n -> n + 1);
        assertThat(next).isInstanceOf(SpinThenParkFuture.class);
        new Thread(() -> spinning.complete(1)).start();
        assertThat(next.join()).isEqualTo(2);

        assertThat(new SpinThenParkFuture<Integer>(0).thenApply(n -> n).getClass()).isEqualTo(CompletableFuture.class);
        assertThat(new SpinThenParkFuture<Integer>(0).spinsOnThisThread()).isFalse();
        assertThat(spinning.spinsOnThisThread()).isTrue();
    }

    @Test
    void onAnEventLoopAWaitParksAtOnce() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        SpinThenParkFuture<String> future = new SpinThenParkFuture<>(HOUR);
        try {
            Thread loopThread = loop.submit(Thread::currentThread).get();
            assertThat(loop.submit(future::spinsOnThisThread).get()).isFalse();
            CountDownLatch joining = new CountDownLatch(1);
            Future<String> joined = loop.submit(() -> {
                joining.countDown();
                return future.join();
            });
            assertThat(joining.await(10, TimeUnit.SECONDS)).isTrue();
            // past the latch the loop thread is in join(): spinning it stays RUNNABLE for the hour, parked it waits
            awaitCondition("the event loop thread parks in join() instead of spinning", Duration.ofSeconds(10), () -> {
                Thread.State state = loopThread.getState();
                return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
            });
            future.complete("row");
            assertThat(joined.get()).isEqualTo("row");
        } finally {
            future.cancel(false); // a loop thread left spinning would keep the shutdown waiting for the hour
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
