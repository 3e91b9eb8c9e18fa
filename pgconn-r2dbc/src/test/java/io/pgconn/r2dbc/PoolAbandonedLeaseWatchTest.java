package io.pgconn.r2dbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PoolAbandonedLeaseWatch} on a virtual clock over a scripted lend — a real {@link LendFence}, its operations
 * entered by the test, on its own thread or on one other thread it joins (REVIEW-28 R28-12: the take-back decided step
 * by step, no race against real time): Spring's cancelled begin — transaction control inside the delivery, then
 * nothing — is taken back after the bound; a borrower whose chain was assembled inside the delivery and ran a statement
 * there, or that starts anything after it, or that started anything on another thread during it (REVIEW-29 R29-7),
 * keeps its connection whatever its think time (REVIEW-28 R28-6); work under way postpones the take-back.
 */
class PoolAbandonedLeaseWatchTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final LendFence fence = new LendFence();
    private final int lendNumber = fence.current();
    private final AtomicBoolean underWay = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicInteger takenBack = new AtomicInteger();

    /** The lend as {@code Lend.of} makes it of a pgconn connection: over its fence. */
    private final PoolAbandonedLeaseWatch.Lend lend = new PoolAbandonedLeaseWatch.Lend() {
        @Override
        public long startedOutsideTheDelivery() {
            return fence.operationsStartedOutsideTheDelivery();
        }

        @Override
        public boolean workStarted() {
            return fence.workStarted();
        }

        @Override
        public Mono<Boolean> nothingUnderWay() {
            return Mono.fromSupplier(() -> !underWay.get());
        }

        @Override
        public long deliveryBegins() {
            return fence.deliveryBegins(lendNumber);
        }

        @Override
        public void deliveryEnded() {
            fence.deliveryEnded(lendNumber);
        }
    };
    /** What the lease read when its delivery began (on the test's thread, as the pool's onNext). */
    private long startedBeforeDelivery;

    @AfterEach
    void stopClock() {
        clock.dispose();
    }

    /** The connection's delivery begins on the test's thread, as the lease tells it ({@code PoolLeasedConnection}). */
    private void deliveryBegins() {
        startedBeforeDelivery = lend.deliveryBegins();
    }

    /** The delivery ends, told to the lend and to the watch, as the lease does. */
    private void deliveryEnded(PoolAbandonedLeaseWatch watch) {
        lend.deliveryEnded();
        watch.deliveryEnded();
    }

    /** A watch begun by a cancel inside the delivery ({@code delivering}: {@link #deliveryBegins()} first) or after it. */
    private PoolAbandonedLeaseWatch watch(boolean delivering) {
        PoolAbandonedLeaseWatch watch = new PoolAbandonedLeaseWatch(lend, BOUND, released::get, bound -> {
            takenBack.incrementAndGet();
            released.set(true);
        }, clock, delivering, delivering ? startedBeforeDelivery : lend.startedOutsideTheDelivery());
        watch.start();
        return watch;
    }

    /** An operation started on the test's thread: {@code work}, a statement other than a {@code SET}. */
    private void started(boolean work) {
        fence.enter(lendNumber, work, "conn");
        fence.exit();
    }

    /** An operation started on another thread, which the test waits for. */
    private void startedOnAnotherThread(boolean work) throws InterruptedException {
        Thread other = new Thread(() -> started(work));
        other.start();
        other.join();
    }

    @Test
    void springsBeginCancelledInsideTheDeliveryIsTakenBackAfterTheBound() {
        deliveryBegins();
        PoolAbandonedLeaseWatch watch = watch(true); // the cancel lands among Spring's calls
        watch.used(true); // isAutoCommit() on the delivering thread
        started(false); // beginTransaction(definition)
        started(false); // SET TRANSACTION READ ONLY (enforceReadOnly): a setting, not work
        deliveryEnded(watch);
        clock.advanceTimeBy(BOUND.minusNanos(1));
        assertThat(takenBack).hasValue(0);
        clock.advanceTimeBy(Duration.ofNanos(1));
        assertThat(takenBack).as("taken back once, at the bound").hasValue(1);
        assertThat(watch.watching()).isFalse();
        assertThatThrownBy(() -> watch.used(false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taken back by its pool");
        clock.advanceTimeBy(BOUND.multipliedBy(3));
        assertThat(takenBack).hasValue(1);
    }

    @Test
    void aChainAssembledInTheDeliveryThatRanAStatementThereKeepsItsConnectionWhateverItsThinkTime() {
        // R28-6: Flux.usingWhen(Flux.from(create()), c -> begin, INSERT, think, INSERT, commit, close) — usingWhen
        // subscribes its closure inside the delivery, then cancels the acquire; every later step subscribes a
        // publisher made before, which is no call on the lease
        deliveryBegins();
        PoolAbandonedLeaseWatch watch = watch(true);
        started(false); // BEGIN
        started(true); // INSERT, in the delivery
        deliveryEnded(watch);
        clock.advanceTimeBy(BOUND.multipliedBy(10)); // think time
        assertThat(takenBack).hasValue(0);
        assertThat(watch.watching()).as("the watch ended at its first look").isFalse();
    }

    @Test
    void anOperationStartedAfterTheDeliveryEndsTheWatch() {
        // a chain that only began inside the delivery and runs its next step from a publisher made there
        deliveryBegins();
        PoolAbandonedLeaseWatch watch = watch(true);
        started(false); // BEGIN, in the delivery
        deliveryEnded(watch);
        clock.advanceTimeBy(BOUND.dividedBy(2));
        started(false); // its commit (or a SET), subscribed now
        clock.advanceTimeBy(BOUND.multipliedBy(10));
        assertThat(takenBack).hasValue(0);
        assertThat(watch.watching()).isFalse();
    }

    @Test
    void aBeginStartedOnAnotherThreadInsideTheDeliveryBeforeTheCancelEndsTheWatch() throws InterruptedException {
        // R29-7: Flux.from(create()).take(1).publishOn(x).flatMap(c -> begin, think, statement): x makes and subscribes
        // the begin while the delivering thread has not returned from onNext yet, then take(1) cancels there; counted
        // by time, the begin passed for part of the delivery and the think time took the lease back
        deliveryBegins();
        startedOnAnotherThread(false); // the begin, on x
        PoolAbandonedLeaseWatch watch = watch(true); // take(1)'s cancel, on the delivering thread
        deliveryEnded(watch);
        clock.advanceTimeBy(BOUND.multipliedBy(10)); // think time
        assertThat(takenBack).hasValue(0);
        assertThat(watch.watching()).as("the watch ended at its first look").isFalse();
    }

    @Test
    void aBeginStartedOnAnotherThreadInsideTheDeliveryAfterTheCancelEndsTheWatch() throws InterruptedException {
        deliveryBegins();
        PoolAbandonedLeaseWatch watch = watch(true);
        started(false); // the delivering thread's own begin: part of the delivery
        startedOnAnotherThread(false); // then one on x, while the delivery still runs
        clock.advanceTimeBy(BOUND.multipliedBy(10)); // the delivery outlasts the bound: looked at, ended
        assertThat(watch.watching()).isFalse();
        deliveryEnded(watch);
        clock.advanceTimeBy(BOUND.multipliedBy(10));
        assertThat(takenBack).hasValue(0);
    }

    @Test
    void aCallAfterTheDeliveryEndsTheWatchAndOneInsideItDoesNot() {
        PoolAbandonedLeaseWatch watch = watch(false); // next(), take(1): the cancel after the delivery
        watch.used(true);
        assertThat(watch.watching()).isTrue();
        watch.used(false);
        assertThat(watch.watching()).isFalse();
        clock.advanceTimeBy(BOUND.multipliedBy(10));
        assertThat(takenBack).hasValue(0);
    }

    @Test
    void workUnderWayPostponesTheTakeBackByAnotherBound() {
        watch(false);
        underWay.set(true); // a read of the borrower's still going on
        clock.advanceTimeBy(BOUND);
        assertThat(takenBack).hasValue(0);
        underWay.set(false);
        clock.advanceTimeBy(BOUND.minusNanos(1));
        assertThat(takenBack).hasValue(0);
        clock.advanceTimeBy(Duration.ofNanos(1));
        assertThat(takenBack).hasValue(1);
    }

    @Test
    void aDeliveryStillRunningIsNotTakenBack() {
        deliveryBegins();
        watch(true); // the borrower's work inside the delivery outlasts the bound
        clock.advanceTimeBy(BOUND.multipliedBy(3));
        assertThat(takenBack).hasValue(0);
    }

    @Test
    void aLeaseReleasedMeanwhileIsNotTakenBackAndAStoppedWatchLooksNoMore() {
        watch(false);
        released.set(true); // its close(), or its Cleaner
        clock.advanceTimeBy(BOUND.multipliedBy(2));
        assertThat(takenBack).hasValue(0);

        released.set(false);
        PoolAbandonedLeaseWatch stopped = watch(false);
        stopped.stop(); // unwrap()
        clock.advanceTimeBy(BOUND.multipliedBy(2));
        assertThat(takenBack).hasValue(0);
    }
}
