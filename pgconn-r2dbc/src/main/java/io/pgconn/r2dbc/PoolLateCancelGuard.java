package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An r2dbc-pool acquire whose cancel is a release with the release's clean-up, never a second one. r2dbc-pool 1.0.2
 * releases the pooled connection on any cancel of its acquire ({@code MonoDiscardOnCancel}: {@code ref.release()},
 * without the clean-up of {@code PooledConnection.close()}), also one that comes after the connection was delivered or
 * after the borrower's {@code close()} began — and jOOQ 3.19, when its query is cancelled ({@code Mono.from(query)} after
 * the first row), closes the connection and cancels its connection subscription once that close completed, which can be
 * after the pool lent the connection to the next borrower. The first borrower's release clean-up then ran on that
 * borrower's work (NEW-USER-22 F1: "this result has already been read", a read "cut off by preRelease()", "a transaction
 * is already open"). Here:
 * <ul>
 * <li>a cancel before a connection came is passed on: r2dbc-pool stops the acquire, or releases the connection it was
 * delivering (its {@code MonoDiscardOnCancel} takes the first cancel it gets, also after it emitted: reactor-core's
 * {@code Mono.flatMap} passes a cancel on to its inner then too). A connection that still reaches this guard after such a
 * cancel is that released one: it goes to the discard hooks, as the values r2dbc-pool drops after a cancel do, and is
 * neither lent nor closed (closing it would release it a second time);</li>
 * <li>a connection that came is lent as a {@link PoolLeasedConnection}; a cancel after that (the borrower's own, or an
 * operator's that drops the connection, e.g. an application's {@code create().timeout(d)} firing while the connection
 * was handed over) is not passed on: it begins the connection's own release ({@code PooledConnection.close()}, with the
 * clean-up) unless the borrower's {@code close()} began it already (the jOOQ case: then it is ignored). So the pool gets
 * the connection back once, clean, whoever lets go first; a borrower that cancelled its acquire cannot use the
 * connection any more (r2dbc-pool's "The connection is closed").</li>
 * </ul>
 * A borrower that neither closes nor cancels keeps the connection, as with r2dbc-pool alone.
 */
final class PoolLateCancelGuard extends Mono<Connection> {

    private final Publisher<Connection> acquire;

    PoolLateCancelGuard(Publisher<Connection> acquire) {
        this.acquire = acquire;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        acquire.subscribe(new GuardSubscriber(actual));
    }

    private static final class GuardSubscriber implements CoreSubscriber<Connection>, Subscription {
        private static final int WAITING = 0;
        private static final int LENT = 1;
        private static final int CANCELLED_WAITING = 2;

        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final CoreSubscriber<? super Connection> actual;
        private Subscription upstream;
        private volatile PoolLeasedConnection lease;
        private volatile boolean cancelled;

        GuardSubscriber(CoreSubscriber<? super Connection> actual) {
            this.actual = actual;
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
            PoolLeasedConnection leased = new PoolLeasedConnection(connection);
            lease = leased;
            if (state.compareAndSet(WAITING, LENT)) {
                actual.onNext(leased);
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
            } else if (state.get() == LENT) {
                lease.releaseUnlessClosing();
            }
        }
    }
}
