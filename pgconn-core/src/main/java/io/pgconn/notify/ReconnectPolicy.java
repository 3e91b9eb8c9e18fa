package io.pgconn.notify;

import java.time.Duration;

/**
 * How a {@link NotificationSubscriber} keeps its LISTEN connection (docs/lifecycle.md §4): after
 * losing it (or, for {@link NotificationSubscriber#start}, after a failed first connect), up to
 * {@code maxAttempts} re-connects ({@link #UNLIMITED}: no limit), waiting
 * {@code initialBackoff} before the first and doubling up to {@code maxBackoff}; and every
 * {@code roleCheckInterval} it asks the server whether it still satisfies the factory's
 * {@code target_session_attrs} ({@link Duration#ZERO}: never), so that after a switchover it moves
 * to the new primary instead of listening on a server nobody writes to.
 *
 * @param maxAttempts       re-connect attempts after a loss before the subscription ends
 *                          ({@link SubscriptionEvents#gaveUp}); {@link #UNLIMITED} never gives up
 * @param initialBackoff    the wait before the first attempt
 * @param maxBackoff        the cap of the doubling wait
 * @param roleCheckInterval how often the connection's server role is checked; zero: never
 */
public record ReconnectPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration roleCheckInterval) {

    /** {@code maxAttempts} meaning "no limit": the subscriber re-connects until it is closed. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** The role check interval of the three-argument constructor and of {@link #DEFAULT}. */
    public static final Duration DEFAULT_ROLE_CHECK = Duration.ofSeconds(2);

    /**
     * For a long-running LISTEN: re-connects without a limit (a restart, a failover without automation
     * or a rotated password outlasts any fixed budget), 100 ms doubling to 5 s; role check every 2 s.
     */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(UNLIMITED, Duration.ofMillis(100), Duration.ofSeconds(5));

    /** Never re-connect: a lost connection, or a server no longer in the wanted role, ends the subscription. */
    public static final ReconnectPolicy NEVER = new ReconnectPolicy(0, Duration.ZERO, Duration.ZERO);

    public ReconnectPolicy {
        if (maxAttempts < 0 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0
                || roleCheckInterval.isNegative()) {
            throw new IllegalArgumentException("invalid reconnect policy: maxAttempts=" + maxAttempts + ", initialBackoff="
                    + initialBackoff + ", maxBackoff=" + maxBackoff + ", roleCheckInterval=" + roleCheckInterval
                    + " (expected maxAttempts >= 0, 0 <= initial <= max, roleCheckInterval >= 0)");
        }
    }

    /** A policy with the {@link #DEFAULT_ROLE_CHECK default role check}. */
    public ReconnectPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, maxBackoff, DEFAULT_ROLE_CHECK);
    }

    /** This policy with another role check interval (zero: never check). */
    public ReconnectPolicy withRoleCheckInterval(Duration interval) {
        return new ReconnectPolicy(maxAttempts, initialBackoff, maxBackoff, interval);
    }

    /** Whether the subscriber re-connects until it is closed. */
    public boolean isUnlimited() {
        return maxAttempts == UNLIMITED;
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
