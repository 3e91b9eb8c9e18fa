package io.pgconn.notify;

import java.time.Duration;

/**
 * How a {@link NotificationSubscriber} re-connects after losing its connection: up to
 * {@code maxAttempts} tries, waiting {@code initialBackoff} before the first and doubling up to
 * {@code maxBackoff}.
 */
public record ReconnectPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** 10 attempts, 100 ms doubling to 5 s. */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(5));

    /** Never re-connect: a lost connection ends the subscription. */
    public static final ReconnectPolicy NEVER = new ReconnectPolicy(0, Duration.ZERO, Duration.ZERO);

    public ReconnectPolicy {
        if (maxAttempts < 0 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("invalid reconnect policy: maxAttempts=" + maxAttempts + ", initialBackoff="
                    + initialBackoff + ", maxBackoff=" + maxBackoff + " (expected maxAttempts >= 0, 0 <= initial <= max)");
        }
    }

    /** The wait before attempt {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis();
        for (int i = 1; i < attempt && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
