package io.pgconn.notify;

import io.pgconn.ErrorMessageLines;
import io.pgconn.FutureFailures;

import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A snapshot of a {@link NotificationSubscriber} ({@link NotificationSubscriber#state()}), e.g. for
 * a health page. Holds no secrets and no message text.
 *
 * @param status         where the subscriber is in its life
 * @param host           {@code host:port} of the server it listens on while {@link Status#LISTENING}; null otherwise
 * @param channels       the channels it listens on (its own set: kept across re-connects), sorted
 * @param attempt        the current connect attempt of the {@link ReconnectPolicy} while {@link Status#CONNECTING}
 *                       or {@link Status#RECONNECTING} (0 before the first re-try), the last one after
 *                       {@link Status#GAVE_UP}; 0 while listening
 * @param listeningSince when the connection it listens on took over, while {@link Status#LISTENING}; null otherwise
 * @param lastFailure    the last lost connection, failed attempt or channel a server refused (and dropped): its kind,
 *                       server, SQLSTATE and time, never its message; kept after the subscriber listens again (history:
 *                       {@link #status} is the present — a failure before {@link #listeningSince} is over); null if there
 *                       was none
 */
public record SubscriberState(Status status, String host, Set<String> channels, int attempt, Instant listeningSince,
                              SubscriberFailure lastFailure) {

    /** The longest {@link #describe} line; a longer message is cut. */
    static final int MAX_ERROR_LENGTH = 200;

    public SubscriberState {
        channels = Collections.unmodifiableSortedSet(new TreeSet<>(channels));
    }

    /** Where a subscriber is in its life. */
    public enum Status {
        /** Opening its first connection ({@link NotificationSubscriber#start}: retried after a failure as the policy says). */
        CONNECTING,
        /** Its connection LISTENs on every channel. */
        LISTENING,
        /** Lost its connection, or its server left the wanted role: connecting again as the policy says. */
        RECONNECTING,
        /** Closed, or its factory closed. */
        CLOSED,
        /** A bounded policy ran out of attempts: the subscription has ended. */
        GAVE_UP;

        /** Whether the subscription has ended for good. */
        public boolean isEnded() {
            return this == CLOSED || this == GAVE_UP;
        }
    }

    /**
     * {@code error} (unwrapped from the future's wrapper) as one short line, for the message of the error a subscriber
     * that gave up fails its waiting calls with: its type and its message, the message's
     * lines joined ({@link ErrorMessageLines#oneLine(String)}; a multi-host connect failure lists each host's reason on a line of its own, a
     * server error its HINT: the first line alone ended in "...(target_session_attrs=read-write):", NEW-USER-12 L1).
     */
    static String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        Throwable t = FutureFailures.unwrap(error);
        String message = t.getMessage() == null ? "" : oneLine(t.getMessage());
        String text = message.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + message;
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }

    /** {@code message} on one line: {@link ErrorMessageLines#oneLine(String)} (a host's HINT stays with its host). */
    static String oneLine(String message) {
        return ErrorMessageLines.oneLine(message);
    }
}
