package io.pgconn.spring.boot.autoconfigure.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The notification subscribers that gave up ({@code status} {@code gave-up}: their
 * {@link io.pgconn.notify.ReconnectPolicy} ran out of attempts), which turn {@code pgConn} {@code DOWN}
 * (docs/starter.md §3): such a subscriber LISTENs no more, not even once the database is back, and
 * the application it serves gets no notification until it opens a new one. Re-connecting is what a
 * subscriber is for and is not {@code DOWN}; a closed one was ended on purpose.
 */
final class GaveUpSubscribers {

    /** The {@code status} of a subscriber that gave up, as {@link PgConnSubscriberDetails#details} spells it. */
    static final String GAVE_UP = "gave-up";

    private GaveUpSubscribers() {
    }

    /**
     * One line per subscriber that gave up, naming it and its last error (a few words and the host,
     * {@link SubscriberFailureWords}: no message text); empty when none did. Its channels are gone with its subscription.
     */
    static List<String> of(Map<String, Map<String, Object>> subscribers) {
        List<String> reasons = new ArrayList<>();
        subscribers.forEach((name, details) -> {
            if (GAVE_UP.equals(details.get("status"))) {
                Object lastError = details.get("lastError");
                reasons.add("notification subscriber '" + name + "' gave up re-connecting"
                        + (lastError != null ? ": " + lastError : ""));
            }
        });
        return reasons;
    }
}
