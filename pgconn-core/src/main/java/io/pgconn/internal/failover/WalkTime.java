package io.pgconn.internal.failover;

import io.pgconn.config.ConnConfig;

import java.time.Duration;

/**
 * The time of one {@link ConnectWalk}: how long it has run, whether {@code connectTimeout} has run out, and how long
 * the next host attempt may take — {@code hostConnectTimeout}, clamped to what is left of {@code connectTimeout}.
 */
final class WalkTime {

    private final long startNanos = System.nanoTime();
    private final Duration connectTimeout;
    private final Duration hostConnectTimeout;

    WalkTime(ConnConfig config) {
        this.connectTimeout = config.connectTimeout();
        this.hostConnectTimeout = config.hostConnectTimeout();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** What is left of connectTimeout, in nanoseconds: negative when it has passed (meaningless when it is 0, none). */
    long leftNanos() {
        return connectTimeout.toNanos() - (System.nanoTime() - startNanos);
    }

    /** The next attempt's budget (zero: none); at least 1 ms when connectTimeout has all but run out. */
    Duration hostBudget() {
        if (connectTimeout.isZero()) {
            return hostConnectTimeout;
        }
        Duration left = connectTimeout.minusNanos(System.nanoTime() - startNanos);
        return MultiHostConnector.min(hostConnectTimeout, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
    }

    /**
     * Whether connectTimeout has run out — 1 ms early, so that a host budget clamped to it counts as the whole, and
     * so does a timer of the attempt's own in whole milliseconds (the dial's CONNECT_TIMEOUT_MILLIS).
     */
    boolean expired() {
        return !connectTimeout.isZero() && System.nanoTime() - startNanos >= connectTimeout.toNanos() - 1_000_000L;
    }
}
