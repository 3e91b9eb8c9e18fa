package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.trace.PgTracer;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host connections currently land on, and how often that changed (a failover). Fed by every
 * successful connect of the auto-configured factory and by the health check's monitor connection;
 * read by health and metrics. With {@code load-balance-hosts=random} the landing host changes by
 * design, so the count is meaningful only with a fixed host order.
 */
public final class FailoverTracker implements PgTracer {

    private final Clock clock;

    private final AtomicLong failovers = new AtomicLong();

    private @Nullable String activeHost;

    private @Nullable Instant lastFailoverAt;

    public FailoverTracker() {
        this(Clock.systemUTC());
    }

    public FailoverTracker(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void connectEnded(ConnectEnded event) {
        if (event.error() == null && event.host() != null) {
            landedOn(event.host());
        }
    }

    /** Records that a connection landed on {@code host} ({@code host:port}); a different host than before is a failover. */
    public synchronized void landedOn(String host) {
        String previous = this.activeHost;
        this.activeHost = host;
        if (previous != null && !previous.equals(host)) {
            this.failovers.incrementAndGet();
            this.lastFailoverAt = this.clock.instant();
        }
    }

    /** {@code host:port} of the last successful connect, or {@code null} before the first. */
    public synchronized @Nullable String activeHost() {
        return this.activeHost;
    }

    /** Changes of the active host since start. */
    public long failovers() {
        return this.failovers.get();
    }

    /** When the active host last changed, or {@code null} if it never did. */
    public synchronized @Nullable Instant lastFailoverAt() {
        return this.lastFailoverAt;
    }
}
