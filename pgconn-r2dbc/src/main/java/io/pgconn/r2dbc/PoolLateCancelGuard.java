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
 * An r2dbc-pool acquire whose borrower's cancel, once the connection was handed to it, goes no further. r2dbc-pool
 * 1.0.2 releases the pooled connection on any cancel of its acquire ({@code MonoDiscardOnCancel}: {@code ref.release()},
 * without the release's clean-up), also one that comes after the connection was delivered — and jOOQ 3.19, when its
 * query is cancelled ({@code Mono.from(query)} after the first row), closes the connection and cancels its connection
 * subscription, which can reach the pool while that close's release is still under way (reactor-pool's guard against
 * a second release holds only once the first one ended). The connection then went back to the pool while its release
 * clean-up still ran, and was lent to the next borrower: the clean-up ran on that borrower's work (NEW-USER-22 F1: "this result has already been read", a read "cut off by preRelease()", "a
 * transaction is already open"). Here a cancel before the connection came is passed on (the pool releases it, as
 * before); after, the connection is the borrower's, released by its {@code close()} alone.
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
        private static final int DELIVERED = 1;
        private static final int CANCELLED = 2;

        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final CoreSubscriber<? super Connection> actual;
        private Subscription upstream;

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
            if (state.compareAndSet(WAITING, DELIVERED)) {
                actual.onNext(connection);
            }
            // cancelled first: the pool's own cancel handling released it
        }

        @Override
        public void onError(Throwable error) {
            if (state.get() != CANCELLED) {
                actual.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (state.get() != CANCELLED) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (state.compareAndSet(WAITING, CANCELLED)) {
                upstream.cancel();
            }
        }
    }
}
