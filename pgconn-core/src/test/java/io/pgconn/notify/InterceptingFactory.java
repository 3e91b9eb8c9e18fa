package io.pgconn.notify;

import io.pgconn.HostStatus;
import io.pgconn.HostUpRegistration;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.spi.HostObservations;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A real factory whose {@link #connect()} the test may intercept: every call is counted, and its
 * future is what {@link #answer} makes of the real factory's (by default that future itself). Reads of its host
 * memory are counted too ({@link #memoryReads}).
 * {@link #isClosed()} runs {@link #onIsClosed} first: a test holds the thread that asks there.
 */
final class InterceptingFactory implements PgConnectionFactory {

    private final PgConnectionFactory real;
    final AtomicInteger connects = new AtomicInteger();
    /** Reads of the host memory ({@link #hostStatuses()}, also through {@link #hostStatus}): a role check reads it once. */
    final AtomicInteger memoryReads = new AtomicInteger();
    /** Host-up listeners registered through {@link #onHostUp} and not closed yet. */
    final AtomicInteger hostUpListeners = new AtomicInteger();
    volatile Function<CompletableFuture<PgConnection>, CompletableFuture<PgConnection>> answer = Function.identity();
    volatile Runnable onIsClosed = () -> { };

    InterceptingFactory(PgConnectionFactory real) {
        this.real = real;
    }

    @Override
    public CompletableFuture<PgConnection> connect() {
        connects.incrementAndGet();
        return answer.apply(real.connect());
    }

    @Override
    public ConnConfig config() {
        return real.config();
    }

    @Override
    public CompletableFuture<PgConnection> connect(ConnConfig connConfig) {
        return real.connect(connConfig);
    }

    @Override
    public List<HostStatus> hostStatuses() {
        memoryReads.incrementAndGet();
        return real.hostStatuses();
    }

    @Override
    public HostObservations hostObservations(java.lang.invoke.MethodHandles.Lookup watcher) {
        return real.hostObservations(watcher);
    }

    @Override
    public HostUpRegistration onHostUp(Consumer<HostStatus> listener) {
        HostUpRegistration registration = real.onHostUp(listener);
        hostUpListeners.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                hostUpListeners.decrementAndGet();
            }
            registration.close();
        };
    }

    @Override
    public Builder builderWithSameTls(ConnConfig config) {
        return real.builderWithSameTls(config);
    }

    @Override
    public void forgetTypeOids() {
        real.forgetTypeOids();
    }

    @Override
    public int openConnections() {
        return real.openConnections();
    }

    @Override
    public boolean isClosed() {
        onIsClosed.run();
        return real.isClosed();
    }

    @Override
    public CompletableFuture<Void> closeAsync(Duration timeout) {
        return real.closeAsync(timeout);
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public CompletableFuture<Void> whenClosed() {
        return real.whenClosed();
    }
}
