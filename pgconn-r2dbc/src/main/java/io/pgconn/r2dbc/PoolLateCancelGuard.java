package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An r2dbc-pool acquire whose borrower's cancel, once the connection was handed to it, goes no further, and whose
 * connection, when the borrower lets go of it without closing it, goes back to the pool with its clean-up. r2dbc-pool
 * 1.0.2 releases the pooled connection on any cancel of its acquire ({@code MonoDiscardOnCancel}: {@code ref.release()},
 * without the clean-up of {@code PooledConnection.close()}), also one that comes after the borrower got it — and many
 * borrowers cancel their acquire right after taking the connection and go on using it: {@code Flux.from(create())}
 * with {@code take(1)} or {@code next()}, {@code Flux.usingWhen} over a publisher that is not a {@code Mono}, Kotlin's
 * {@code awaitFirst()}, jOOQ 3.19's {@code Mono.from(dsl.transactionPublisher(...))} (its transaction keeps the
 * connection after cancelling its {@code create()} subscription, and commits later); jOOQ's queries close the
 * connection, then cancel that subscription once the close completed, which can be after the pool lent it again. The
 * first borrower's release clean-up then ran on the next borrower's work (NEW-USER-22 F1). Here:
 * <ul>
 * <li>a cancel before a connection came is passed on: r2dbc-pool stops the acquire, or releases the connection it was
 * delivering (its {@code MonoDiscardOnCancel} takes the first cancel it gets, also after it emitted: reactor-core's
 * {@code Mono.flatMap} passes a cancel on to its inner then too). A connection that still reaches this guard after such a
 * cancel is that released one: it goes to the discard hooks, as the values r2dbc-pool drops after a cancel do, and is
 * neither lent nor closed (closing it would release it a second time);</li>
 * <li>a connection that came is lent as a {@link PoolLeasedConnection}, and a cancel after that is not passed on. The
 * borrower's {@code close()} releases it; if the borrower lets go of it without closing (an application's
 * {@code create().timeout(d)} firing while the connection was handed over, which cancels and then drops it; a chain
 * cancelled before its close), the lease's {@code Cleaner} releases it, with the clean-up, once the garbage collector
 * found it unreachable. This subscriber refers to the lease, so a borrower whose chain still holds its subscription
 * keeps it. With a bound set, the lease whose acquire was so cancelled is watched, and taken back once it went that
 * long without a use after the cancel, with nothing under way ({@link PoolAbandonedLeaseWatch}): Spring's
 * {@code R2dbcTransactionManager}, cancelled while its transaction begins, lets go of its connection so
 * (spring-framework#36344), and on a quiet application no garbage collection may come for minutes.</li>
 * </ul>
 */
final class PoolLateCancelGuard extends Mono<Connection> {

    private final Publisher<Connection> acquire;
    private final Runnable afterRelease;
    private final Duration abandonedAfter;

    PoolLateCancelGuard(Publisher<Connection> acquire) {
        this(acquire, () -> { }, null);
    }

    /**
     * {@code afterRelease}: run when a lease's release ended (the pool's sessions may then have one idle).
     * {@code abandonedAfter}: how long a lease cancelled after it came may go without a call before it is taken back
     * ({@link PoolAbandonedLeaseWatch}); null: only its Cleaner releases it.
     */
    PoolLateCancelGuard(Publisher<Connection> acquire, Runnable afterRelease, Duration abandonedAfter) {
        this.acquire = acquire;
        this.afterRelease = afterRelease;
        this.abandonedAfter = abandonedAfter;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        acquire.subscribe(new GuardSubscriber(actual, afterRelease, abandonedAfter));
    }

    private static final class GuardSubscriber implements CoreSubscriber<Connection>, Subscription {
        private static final int WAITING = 0;
        private static final int LENT = 1;
        private static final int CANCELLED_WAITING = 2;

        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final CoreSubscriber<? super Connection> actual;
        private final Runnable afterRelease;
        private final Duration abandonedAfter;
        private Subscription upstream;
        /** Kept: the lease stays reachable while the borrower holds this subscription; told of a cancel after it came. */
        private volatile PoolLeasedConnection lease;
        private volatile boolean cancelled;

        GuardSubscriber(CoreSubscriber<? super Connection> actual, Runnable afterRelease, Duration abandonedAfter) {
            this.actual = actual;
            this.afterRelease = afterRelease;
            this.abandonedAfter = abandonedAfter;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(Connection connection) {
            if (state.compareAndSet(WAITING, LENT)) {
                PoolLeasedConnection leased = new PoolLeasedConnection(connection, afterRelease, abandonedAfter);
                lease = leased; // reachable while the borrower's chain holds this subscription
                leased.delivering(true); // first: a cancel told below or from now on comes inside the delivery
                if (cancelled) {
                    leased.acquireCancelled(); // a cancel that came between the lend and the line above
                }
                try {
                    actual.onNext(leased);
                } finally {
                    leased.delivering(false);
                }
            } else {
                // cancelled while it came: that cancel reached r2dbc-pool, which releases this connection itself
                Operators.onDiscard(connection, actual.currentContext());
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!cancelled) {
                actual.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (state.compareAndSet(WAITING, CANCELLED_WAITING)) {
                upstream.cancel();
                return;
            }
            // lent: the borrower's close() releases it — or, if the borrower let go of it, the lease's watch once it
            // had no call for its bound, or its Cleaner once it is unreachable
            PoolLeasedConnection leased = lease;
            if (leased != null) {
                leased.acquireCancelled();
            }
        }
    }
}
