package io.pgconn.r2dbc;

import io.pgconn.internal.query.SpinThenParkFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * New user 8 F2: a blocking wait for a pgconn future not yet complete is refused on Reactor's non-blocking
 * threads ({@code parallel-N}), as Reactor's own {@code block()} is there — it blocked, while docs/query.md
 * promised "the same rule as Reactor's block()". pgconn-core knows the marker only by name.
 */
class ReactorNonBlockingWaitTest {

    private static <T> T onParallel(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
    }

    @Test
    void onAParallelThreadAWaitForAnIncompleteFutureIsRefusedAndACompleteOneIsRead() {
        CompletableFuture<Integer> unanswered = new SpinThenParkFuture<>(0);
        assertThatThrownBy(() -> onParallel(unanswered::join))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("join()").hasMessageContaining("non-blocking Reactor thread (parallel-")
                .hasMessageContaining("thenCompose");
        assertThatThrownBy(() -> onParallel(() -> unanswered.get(5, TimeUnit.SECONDS)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("get(timeout)");
        assertThatThrownBy(() -> onParallel(unanswered.thenApply(n -> n + 1)::get))
                .as("a stage made from it").isInstanceOf(IllegalStateException.class).hasMessageContaining("get()");

        CompletableFuture<Integer> answered = new SpinThenParkFuture<>(0);
        answered.complete(42);
        assertThat(onParallel(answered::join)).isEqualTo(42);
    }

    @Test
    void onABoundedElasticThreadTheWaitBlocksAsItMay() {
        CompletableFuture<Integer> unanswered = new SpinThenParkFuture<>(0);
        assertThatThrownBy(() -> Mono.fromCallable(() -> unanswered.get(50, TimeUnit.MILLISECONDS))
                .subscribeOn(Schedulers.boundedElastic()).block())
                .hasCauseInstanceOf(TimeoutException.class);
    }
}
