package io.pgconn.r2dbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PoolAbandonedLeaseWatch} on a virtual clock over a scripted lend (REVIEW-28 R28-12: the take-back decided
 * step by step, no race against real time): Spring's cancelled begin — transaction control inside the delivery, then
 * nothing — is taken back after the bound; a borrower whose chain was assembled inside the delivery and ran a statement
 * there, or that starts anything after it, keeps its connection whatever its think time (REVIEW-28 R28-6); work under
 * way postpones the take-back.
 */
class PoolAbandonedLeaseWatchTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicBoolean work = new AtomicBoolean();
    private final AtomicBoolean underWay = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicInteger takenBack = new AtomicInteger();

    private final PoolAbandonedLeaseWatch.Lend lend = new PoolAbandonedLeaseWatch.Lend() {
        @Override
        public long operationsStarted() {
            return operations.get();
        }

        @Override
        public boolean workStarted() {
            return work.get();
        }

        @Override
        public Mono<Boolean> nothingUnderWay() {
            return Mono.fromSupplier(() -> !underWay.get());
        }
    };

    @AfterEach
    void stopClock() {
        clock.dispose();
    }

    /** A watch begun by a cancel inside the delivery ({@code delivering}) or after it. */
    private PoolAbandonedLeaseWatch watch(boolean delivering) {
        PoolAbandonedLeaseWatch watch = new PoolAbandonedLeaseWatch(lend, BOUND, released::get, bound -> {
            takenBack.incrementAndGet();
            released.set(true);
        }, clock, delivering);
        watch.start();
        return watch;
    }

    @Test
    void springsBeginCancelledInsideTheDeliveryIsTakenBackAfterTheBound() {
        PoolAbandonedLeaseWatch watch = watch(true); // the cancel lands among Spring's calls
        watch.used(true); // isAutoCommit() on the delivering thread
        operations.incrementAndGet(); // beginTransaction(definition)
        operations.incrementAndGet(); // SET TRANSACTION READ ONLY (enforceReadOnly): a setting, not work
        watch.deliveryEnded();
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
        PoolAbandonedLeaseWatch watch = watch(true);
        operations.incrementAndGet(); // BEGIN
        operations.incrementAndGet(); // INSERT, in the delivery
        work.set(true);
        watch.deliveryEnded();
        clock.advanceTimeBy(BOUND.multipliedBy(10)); // think time
        assertThat(takenBack).hasValue(0);
        assertThat(watch.watching()).as("the watch ended at its first look").isFalse();
    }

    @Test
    void anOperationStartedAfterTheDeliveryEndsTheWatch() {
        // a chain that only began inside the delivery and runs its next step from a publisher made there
        PoolAbandonedLeaseWatch watch = watch(true);
        operations.incrementAndGet(); // BEGIN, in the delivery
        watch.deliveryEnded();
        clock.advanceTimeBy(BOUND.dividedBy(2));
        operations.incrementAndGet(); // its commit (or a SET), subscribed now
        clock.advanceTimeBy(BOUND.multipliedBy(10));
        assertThat(takenBack).hasValue(0);
        assertThat(watch.watching()).isFalse();
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
