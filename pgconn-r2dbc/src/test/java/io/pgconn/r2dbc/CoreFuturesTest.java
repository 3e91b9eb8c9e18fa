package io.pgconn.r2dbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work the reader cancelled runs to its end, and its late outcome is neither logged as a dropped error
 * (the new user's log had 58 "Operator called default onErrorDropped" ERRORs with PgClosedException in
 * one failover) nor left unowned.
 */
class CoreFuturesTest {

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @AfterEach
    void resetHooks() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void aFailureAfterTheReaderCancelledIsNotReportedAsDropped() {
        Hooks.onErrorDropped(dropped::add);
        CompletableFuture<String> work = new CompletableFuture<>();
        Disposable reader = CoreFutures.untilDone(() -> work).subscribe(value -> { }, error -> { });
        reader.dispose();
        work.completeExceptionally(new IllegalStateException("connection closed"));
        assertThat(work.isCompletedExceptionally()).as("the work itself was not cancelled, it failed on its own").isTrue();
        assertThat(dropped).isEmpty();
    }

    @Test
    void reactorsOwnFromFutureReportsItAsDropped() {
        Hooks.onErrorDropped(dropped::add);
        CompletableFuture<String> work = new CompletableFuture<>();
        Disposable reader = Mono.fromFuture(work, true).subscribe(value -> { }, error -> { });
        reader.dispose();
        work.completeExceptionally(new IllegalStateException("connection closed"));
        assertThat(dropped).as("what CoreFutures replaces").hasSize(1);
    }

    @Test
    void aValueAfterTheReaderCancelledGoesToTheOrphanHandler() {
        List<String> orphans = new CopyOnWriteArrayList<>();
        CompletableFuture<String> work = new CompletableFuture<>();
        Disposable reader = CoreFutures.untilDone(() -> work, orphans::add).subscribe();
        reader.dispose();
        assertThat(work.isCancelled()).as("cancelling the reader leaves the work running").isFalse();
        work.complete("session");
        assertThat(orphans).containsExactly("session");
    }

    @Test
    void valuesAndErrorsReachAReaderThatStays() {
        List<String> orphans = new CopyOnWriteArrayList<>();
        StepVerifier.create(CoreFutures.untilDone(() -> CompletableFuture.completedFuture("v"), orphans::add))
                .expectNext("v").verifyComplete();
        IllegalStateException failure = new IllegalStateException("refused");
        StepVerifier.create(CoreFutures.untilDone(() -> CompletableFuture.<String>failedFuture(failure), orphans::add))
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(failure)).verify(Duration.ofSeconds(5));
        StepVerifier.create(CoreFutures.untilDone(() -> CompletableFuture.<String>completedFuture(null))).verifyComplete();
        assertThat(orphans).isEmpty();
    }
}
