package io.pgconn.r2dbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
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

    /**
     * The reader cancels after the work completed into its future but before the value went on to it (no
     * demand yet: the value waits in the Mono's subscriber, as it does for the instant between the future's
     * callback and onNext when a cancel races the completion). Reactor discards such a value; before, nothing
     * took it and a new connection stayed open with nobody to close it.
     */
    @Test
    void aValueCompletedIntoTheReaderJustBeforeItCancelsGoesToTheOrphanHandler() {
        List<String> orphans = new CopyOnWriteArrayList<>();
        CompletableFuture<String> work = new CompletableFuture<>();
        List<String> received = new CopyOnWriteArrayList<>();
        BaseSubscriber<String> reader = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // no request yet: the value is held, not delivered
            }

            @Override
            protected void hookOnNext(String value) {
                received.add(value);
            }
        };
        CoreFutures.untilDone(() -> work, orphans::add).subscribe(reader);
        work.complete("session");
        reader.cancel();
        assertThat(received).isEmpty();
        assertThat(orphans).as("the value the reader never received is owned by the orphan handler").containsExactly("session");
    }

    @Test
    void aValueAfterAReaderThatNeverAskedCancelledIsOrphanedOnce() {
        List<String> orphans = new CopyOnWriteArrayList<>();
        CompletableFuture<String> work = new CompletableFuture<>();
        BaseSubscriber<String> reader = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
            }
        };
        CoreFutures.untilDone(() -> work, orphans::add).subscribe(reader);
        reader.cancel();
        work.complete("session");
        assertThat(work.isCancelled()).isFalse();
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
