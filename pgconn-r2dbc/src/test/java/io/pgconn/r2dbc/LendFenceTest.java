package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LendFence}'s interleavings, each step taken by the test in order (no threads, no timing): an operation made in
 * a lend that ended is refused; the check and the placing are one step against a release (REVIEW-28 R28-7) — a release
 * that comes between them waits until the operation is placed, so its clean-up finds it, and every later entry of the
 * old lend fails; and what a lend started, for the abandoned-lease watch.
 */
class LendFenceTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Duration STEP = Duration.ofSeconds(5);

    private final LendFence fence = new LendFence();

    @Test
    void anOperationMadeInALendThatEndedIsRefusedNamingTheConnection() {
        int madeIn = fence.current();
        fence.enter(madeIn, true, "conn-a");
        fence.exit();
        assertThat(fence.next(BOUND).toFuture()).as("nothing being placed: the release goes on at once").isDone();
        assertThat(fence.current()).isEqualTo(madeIn + 1);
        assertThatThrownBy(() -> fence.enter(madeIn, false, "conn-a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conn-a").hasMessageContaining("went back to its pool");
    }

    @Test
    void theSessionCountsAsUsedAfterAnOperationOrAHandOutUntilAResetAskedAndAcrossLendsWithoutOne() {
        assertThat(fence.sessionUsed()).as("a new session: nothing sent").isFalse();
        fence.next(BOUND).block(STEP);
        assertThat(fence.sessionUsed()).as("a lend that entered nothing").isFalse();
        fence.enter(fence.current(), false, "conn"); // transaction control, a setting: sent too
        fence.exit();
        fence.next(BOUND).block(STEP);
        fence.next(BOUND).block(STEP);
        assertThat(fence.sessionUsed()).as("an earlier lend's operation, not reset yet").isTrue();
        assertThat(fence.sessionUsed()).as("asked once per reset").isFalse();
        fence.handedOut(); // unwrap(): the core connection sends out of the fence's sight
        assertThat(fence.sessionUsed()).isTrue();
        assertThatThrownBy(() -> fence.enter(fence.current() - 1, true, "conn")).isInstanceOf(IllegalStateException.class);
        assertThat(fence.sessionUsed()).as("a refused operation sent nothing").isFalse();
    }

    @Test
    void aReleaseBetweenTheCheckAndThePlacingWaitsUntilTheOperationIsPlaced() {
        // R28-7: the borrower's thread passed the check (enter) and is about to queue its result; the pool's release
        // runs now on another thread: it must not look at what is left before the result is queued
        int madeIn = fence.current();
        fence.enter(madeIn, true, "conn");
        CompletableFuture<Void> release = fence.next(BOUND).toFuture();
        assertThat(release).as("the release waits for the operation being placed").isNotDone();
        assertThatThrownBy(() -> fence.enter(madeIn, true, "conn")).as("a later operation of the old lend")
                .isInstanceOf(IllegalStateException.class);
        fence.exit(); // the result is queued: the clean-up will find it
        assertThat(release).isCompleted();
        fence.enter(fence.current(), true, "conn"); // the next lend's operations go on
        fence.exit();
    }

    @Test
    void aScriptSubscribedWhileAReleaseBeginsIsPlacedBeforeTheReleaseGoesOn() {
        int madeIn = fence.current();
        AtomicReference<CompletableFuture<Void>> release = new AtomicReference<>();
        Flux<String> script = fence.placedOnSubscribe(madeIn, true, "conn", () -> {
            release.set(fence.next(BOUND).toFuture()); // the release comes while the script is being placed
            assertThat(release.get()).isNotDone();
            return Flux.just("placed");
        });
        StepVerifier.create(script).expectNext("placed").verifyComplete();
        assertThat(release.get()).as("the release went on once the script was subscribed").isCompleted();
        StepVerifier.create(fence.placedOnSubscribe(madeIn, true, "conn", () -> Flux.just("late")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("went back to its pool"))
                .verify(STEP);
    }

    @Test
    void transactionControlIsHeldUntilItEnds() {
        // a commit waits for earlier results before its exchange is queued: the release waits for the whole call
        Sinks.Empty<Void> commit = Sinks.empty();
        Mono<Void> held = fence.heldUntilDone(fence.current(), "conn", commit.asMono());
        CompletableFuture<Void> subscribed = held.toFuture();
        CompletableFuture<Void> release = fence.next(BOUND).toFuture();
        assertThat(release).isNotDone();
        commit.tryEmitEmpty();
        assertThat(subscribed).isCompleted();
        assertThat(release).isCompleted();
    }

    @Test
    void aCancelledTransactionCallNoLongerHoldsTheRelease() {
        Sinks.Empty<Void> never = Sinks.empty();
        fence.heldUntilDone(fence.current(), "conn", never.asMono()).subscribe().dispose();
        assertThat(fence.next(BOUND).toFuture()).isCompleted();
    }

    @Test
    void theReleasesWaitIsBounded() {
        // a transaction call stuck on a server that stopped answering: the clean-up, with its own bound, goes on
        Sinks.Empty<Void> stuck = Sinks.empty();
        fence.heldUntilDone(fence.current(), "conn", stuck.asMono()).subscribe();
        StepVerifier.withVirtualTime(() -> fence.next(BOUND))
                .expectSubscription()
                .expectNoEvent(BOUND.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();
    }

    @Test
    void eachLendCountsWhatItStartedAndWhetherItWasWorkOfItsOwn() {
        fence.enter(fence.current(), false, "conn"); // a begin
        fence.exit();
        fence.enter(fence.current(), false, "conn"); // a SET
        fence.exit();
        assertThat(fence.operationsStarted()).isEqualTo(2);
        assertThat(fence.workStarted()).as("transaction control and settings only").isFalse();
        fence.enter(fence.current(), true, "conn"); // a statement
        fence.exit();
        assertThat(fence.workStarted()).isTrue();
        fence.next(BOUND).block(STEP);
        assertThat(fence.operationsStarted()).as("the next lend starts from nothing").isZero();
        assertThat(fence.workStarted()).isFalse();
    }

    @Test
    void onlyOperationsOnTheDeliveringThreadInsideTheDeliveryArePartOfIt() throws InterruptedException {
        // REVIEW-29 R29-7: a borrower hopping threads inside the delivery (take(1).publishOn(x).flatMap(...)) starts
        // its begin on x while the delivering thread has not returned yet: that is no part of taking the connection
        int lend = fence.current();
        assertThat(fence.deliveryBegins(lend)).isZero();
        fence.enter(lend, false, "conn"); // Spring's begin, on the delivering thread
        fence.exit();
        assertThat(fence.operationsStartedOutsideTheDelivery()).isZero();
        Thread other = new Thread(() -> {
            fence.enter(lend, false, "conn");
            fence.exit();
        });
        other.start();
        other.join();
        assertThat(fence.operationsStartedOutsideTheDelivery()).as("the begin on another thread").isEqualTo(1);
        fence.deliveryEnded(lend);
        fence.enter(lend, false, "conn"); // the delivering thread again, after the delivery
        fence.exit();
        assertThat(fence.operationsStartedOutsideTheDelivery()).isEqualTo(2);
        assertThat(fence.operationsStarted()).isEqualTo(3);
    }

    @Test
    void aDeliveryOfALendThatIsOverDoesNotTouchTheNextLendsDelivery() {
        // a borrower that closes inside its delivery (jOOQ): the pool may lend the session again before the first
        // delivery's end is told
        int first = fence.current();
        fence.deliveryBegins(first);
        fence.next(BOUND).block(STEP);
        int second = fence.current();
        fence.deliveryBegins(second);
        fence.deliveryEnded(first); // late: changes nothing
        fence.enter(second, false, "conn");
        fence.exit();
        assertThat(fence.operationsStartedOutsideTheDelivery()).as("still inside the second delivery").isZero();
        fence.deliveryBegins(first); // late too: the second delivery stays this thread's
        fence.deliveryEnded(second);
        fence.enter(second, false, "conn");
        fence.exit();
        assertThat(fence.operationsStartedOutsideTheDelivery()).isEqualTo(1);
    }
}
