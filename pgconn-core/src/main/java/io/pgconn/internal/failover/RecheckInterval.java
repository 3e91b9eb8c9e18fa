package io.pgconn.internal.failover;

import java.time.Duration;
import java.time.Instant;

/**
 * The one rule for how long a factory acts on what it learned ({@code hostRecheckInterval}): a
 * host's status and the type OID answer alike. Zero means never.
 */
final class RecheckInterval {

    private RecheckInterval() {
    }

    /** Whether something learned at {@code learnedAt} may still be acted on at {@code now}. */
    static boolean covers(Instant learnedAt, Duration interval, Instant now) {
        return learnedAt != null && !interval.isZero() && learnedAt.plus(interval).isAfter(now);
    }
}
