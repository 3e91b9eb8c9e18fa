package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.publisher.TestPublisher;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PoolLateCancelGuard}'s interleavings against a stand-in for r2dbc-pool's acquire: a cancel before a connection
 * came goes to the pool; after, it goes nowhere (borrowers that cancel once they have the connection keep using it), and
 * the pooled connection's own release runs once, begun by the borrower's {@code close()} or, for a lease dropped without
 * one, by its Cleaner. {@code PoolLateCancelIT} has the same against r2dbc-pool and PostgreSQL.
 */
class PoolLateCancelGuardTest {

    private static final Duration STEP = Duration.ofSeconds(5);
    /** The abandoned-lease timeout of the watched leases here. */
    private static final Duration ABANDONED = Duration.ofMillis(50);

    private final AtomicInteger releases = new AtomicInteger();
    private final Sinks.Empty<Void> releaseEnd = Sinks.empty();
    private final Connection driverConnection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });
    private final Connection pooled = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class, Wrapped.class}, (proxy, method, args) -> switch (method.getName()) {
                case "close" -> Mono.defer(() -> {
                    releases.incrementAndGet();
                    return releaseEnd.asMono();
                });
                case "unwrap" -> args == null ? driverConnection : null;
                case "isAutoCommit" -> true;
                case "toString" -> "pooled";
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private final TestPublisher<Connection> acquire = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
    private final List<Connection> lent = new CopyOnWriteArrayList<>();
    private final List<Object> discarded = new CopyOnWriteArrayList<>();
    private final BaseSubscriber<Connection> borrower = new BaseSubscriber<>() {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(Connection connection) {
            lent.add(connection);
        }
    };

    private Connection borrowed() {
        new PoolLateCancelGuard(acquire).doOnDiscard(Connection.class, discarded::add).subscribe(borrower);
        acquire.next(pooled);
        assertThat(lent).hasSize(1);
        return lent.get(0);
    }

    @Test
    void aCancelAfterTheConnectionCameIsNotPassedOnAndReleasesNothing() {
        Connection connection = borrowed();
        borrower.cancel();
        assertThat(releases).as("the borrower may go on using it").hasValue(0);
        assertThat(acquire.wasCancelled()).as("r2dbc-pool's own release on cancel never runs").isFalse();
        Mono.from(connection.close()).subscribe();
        releaseEnd.tryEmitEmpty();
        assertThat(releases).hasValue(1);
    }

    @Test
    void borrowersThatCancelOnceTheyHaveTheConnectionKeepItUntilTheyClose() {
        // take(1) cancels after passing the value on, next() before; usingWhen over a Flux cancels during the work
        Connection taken = new PoolLateCancelGuard(Mono.just(pooled)).flux().hide().take(1).blockLast(STEP);
        Connection next = new PoolLateCancelGuard(Mono.just(pooled)).flux().hide().next().block(STEP);
        List<Integer> releasesDuringWork = new CopyOnWriteArrayList<>();
        Flux.usingWhen(new PoolLateCancelGuard(Mono.just(pooled)).flux().hide(),
                connection -> Mono.fromSupplier(releases::get).doOnNext(releasesDuringWork::add),
                connection -> Mono.from(connection.close()).doOnSubscribe(subscription -> releaseEnd.tryEmitEmpty()))
                .blockLast(STEP);
        assertThat(releasesDuringWork).containsExactly(0);
        assertThat(releases).as("only usingWhen's close released").hasValue(1);
        Mono.from(taken.close()).block(STEP);
        Mono.from(next.close()).block(STEP);
        assertThat(releases).hasValue(3);
    }

    @Test
    void aCloseAfterTheCancelReleasesOnceAndLaterClosesWaitForThatRelease() {
        Connection connection = borrowed();
        borrower.cancel();
        Mono<Void> close = Mono.from(connection.close());
        assertThat(close.toFuture()).isNotDone();
        assertThat(releases).hasValue(1);
        releaseEnd.tryEmitEmpty();
        close.block(STEP);
        Mono.from(connection.close()).block(STEP);
        assertThat(releases).hasValue(1);
    }

    @Test
    void theReleaseRunsOnceAndToItsEndWhateverTheSubscribersOfCloseDo() {
        Connection connection = borrowed();
        Mono.from(connection.close()).subscribe().dispose();
        assertThat(releaseEnd.currentSubscriberCount()).as("the release goes on without the close's subscriber").isEqualTo(1);
        Mono.from(connection.close()).subscribe();
        assertThat(releases).hasValue(1);
        releaseEnd.tryEmitEmpty();
        Mono.from(connection.close()).block(STEP);
        assertThat(releases).hasValue(1);
    }

    /** A lease of {@link #acquire} whose watch takes it back after {@link #ABANDONED} without a call after a cancel. */
    private PoolLeasedConnection watchedLease(BaseSubscriber<Connection> subscriber) {
        new PoolLateCancelGuard(acquire, () -> { }, ABANDONED).subscribe(subscriber);
        acquire.next(pooled);
        assertThat(lent).hasSize(1);
        return (PoolLeasedConnection) lent.get(0);
    }

    @Test
    void aLeaseWithNoCallAfterItsAcquireWasCancelledIsTakenBackAndItsCallsFailFromThenOn() {
        PoolLeasedConnection lease = watchedLease(borrower); // held here: no collection can be what releases it
        assertThat(lease.isAutoCommit()).isTrue(); // a call before the cancel changes nothing
        assertThat(lease.watched()).as("no cancel, no watch").isFalse();
        borrower.cancel(); // as Spring's transaction manager, cancelled while its transaction begins
        assertThat(lease.watched()).isTrue();
        awaitCondition("the lease taken back", STEP, () -> releases.get() == 1);
        assertThatThrownBy(lease::isAutoCommit).isInstanceOf(IllegalStateException.class).hasMessageContaining("taken back by its pool");
        assertThatThrownBy(lease::unwrap).isInstanceOf(IllegalStateException.class);
        assertThat(Mono.from(lease.rollbackTransaction()).block(STEP)).as("nothing left to roll back").isNull();
        releaseEnd.tryEmitEmpty();
        Mono.from(lease.close()).block(STEP);
        assertThat(releases).as("released once").hasValue(1);
    }

    @Test
    void callsInsideTheDeliveryDoNotKeepALeaseWhoseAcquireWasCancelledThere() {
        // Spring's begin makes its calls while the connection is delivered, and a cancel from another thread can land
        // among them: here the cancel comes first, inside the delivery, then the calls
        PoolLeasedConnection lease = watchedLease(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1);
            }

            @Override
            protected void hookOnNext(Connection connection) {
                lent.add(connection);
                cancel();
                connection.isAutoCommit();
            }
        });
        assertThat(lease.watched()).isTrue();
        awaitCondition("the lease taken back", STEP, () -> releases.get() == 1);
    }

    @Test
    void aCallAfterTheCancelOrAnUnwrapEndsTheWatchForGood() {
        // take(1), next(), awaitFirst(), jOOQ: the borrower calls on the connection after its cancel and keeps it,
        // whatever its think time; an unwrap() puts the connection out of the watch's sight
        PoolLeasedConnection lease = watchedLease(borrower);
        borrower.cancel();
        assertThat(lease.watched()).isTrue();
        lease.isAutoCommit();
        assertThat(lease.watched()).as("in use after its cancel").isFalse();

        lent.clear();
        BaseSubscriber<Connection> unwrapping = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1);
            }

            @Override
            protected void hookOnNext(Connection connection) {
                lent.add(connection);
            }
        };
        new PoolLateCancelGuard(Mono.just(pooled), () -> { }, ABANDONED).subscribe(unwrapping);
        PoolLeasedConnection unwrapped = (PoolLeasedConnection) lent.get(0);
        assertThat(unwrapped.unwrap()).isSameAs(driverConnection);
        unwrapping.cancel();
        assertThat(unwrapped.watched()).as("never watched once unwrapped").isFalse();
        assertThat(releases).hasValue(0);
    }

    @Test
    void aLeaseDroppedWithoutCloseIsReleasedOnceItIsUnreachable() {
        new PoolLateCancelGuard(Mono.just(pooled)).subscribe(connection -> { });
        awaitCondition("the dropped lease's release", STEP, () -> {
            System.gc();
            return releases.get() == 1;
        });
    }

    @Test
    void aCancelBeforeTheConnectionCameGoesToThePoolAndALateConnectionIsDiscardedNotLentNorClosed() {
        new PoolLateCancelGuard(acquire).doOnDiscard(Connection.class, discarded::add).subscribe(borrower);
        borrower.cancel();
        assertThat(acquire.wasCancelled()).isTrue();

        acquire.next(pooled).complete();
        assertThat(lent).isEmpty();
        assertThat(discarded).containsExactly(pooled);
        assertThat(releases).as("r2dbc-pool releases it on the cancel it got; closing it here would release it twice")
                .hasValue(0);
    }

    @Test
    void theLentConnectionUnwrapsToWhatThePooledOneUnwrapsTo() {
        Connection connection = borrowed();
        assertThat(((Wrapped<?>) connection).unwrap()).isSameAs(driverConnection);
        assertThat(connection).hasToString("pooled");
    }
}
