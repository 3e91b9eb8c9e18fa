package io.pgconn.internal.session;

import io.pgconn.FatalErrors;
import io.pgconn.Notification;
import io.pgconn.NotificationListener;
import io.pgconn.internal.protocol.backend.NoticeResponse;
import io.pgconn.internal.protocol.backend.NotificationResponse;
import io.pgconn.query.NoticeListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who hears what the server sends outside any exchange's answers: a listener per LISTEN channel for
 * notifications, and one listener for notices. A listener's failure never breaks the session.
 * Listeners are registered from any thread; messages are delivered on the event loop.
 */
final class SessionListeners {

    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();
    private volatile NoticeListener noticeListener;

    void noticeListener(NoticeListener listener) {
        this.noticeListener = listener;
    }

    /** Registers {@code listener} for {@code channelName}; the one it replaces hears its completion. */
    void add(String channelName, NotificationListener listener) {
        NotificationListener previous = listeners.put(channelName, listener);
        if (previous != null && previous != listener) {
            guarded(() -> previous.onComplete(null));
        }
    }

    void remove(String channelName) {
        NotificationListener previous = listeners.remove(channelName);
        if (previous != null) {
            guarded(() -> previous.onComplete(null));
        }
    }

    /** Every listener gets its completion signal (with the session's end cause) and no further callbacks. */
    void stop(Throwable cause) {
        for (String name : listeners.keySet()) {
            NotificationListener listener = listeners.remove(name);
            if (listener != null) {
                guarded(() -> listener.onComplete(cause)); // the others still hear about the close
            }
        }
    }

    /** Delivers a notification or a notice; false for any other message (it is not for the listeners). */
    boolean deliver(Object msg) {
        if (msg instanceof NotificationResponse n) {
            NotificationListener listener = listeners.get(n.channel());
            if (listener != null) {
                guarded(() -> listener.onNotification(new Notification(n.channel(), n.payload(), n.processId())));
            }
            return true;
        }
        if (msg instanceof NoticeResponse notice) {
            NoticeListener listener = noticeListener;
            if (listener != null) {
                guarded(() -> listener.onNotice(notice.fields()));
            }
            return true;
        }
        return false;
    }

    /**
     * Runs a listener's callback: what it throws is ignored ({@link FatalErrors}' rule) — an Error too,
     * which would otherwise reach the pipeline and close the session (REVIEW-8 F8).
     */
    private static void guarded(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            FatalErrors.throwIfFatal(e);
        }
    }
}
