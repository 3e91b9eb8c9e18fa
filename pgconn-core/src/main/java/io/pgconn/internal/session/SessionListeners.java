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
 * notifications, and one listener for notices. A listener's failure never breaks the session, except a
 * {@link VirtualMachineError} ({@link FatalErrors}), which is thrown on — or, from {@link #stop}, handed to
 * the thread's uncaught-exception handler once every listener has had its end. Listeners are registered from any thread; messages are delivered on
 * the event loop.
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
            throwIfAny(guarded(() -> previous.onComplete(null)));
        }
    }

    void remove(String channelName) {
        NotificationListener previous = listeners.remove(channelName);
        if (previous != null) {
            throwIfAny(guarded(() -> previous.onComplete(null)));
        }
    }

    /** Whether a notification listener is registered (a close then stops delivery on the event loop). */
    boolean anyNotificationListener() {
        return !listeners.isEmpty();
    }

    /**
     * Stops notification delivery: every listener gets its completion signal (with the session's end cause)
     * and no further callbacks. On the event loop: a listener's {@link VirtualMachineError} goes to the loop
     * thread's uncaught-exception handler ({@link FatalErrors#handToTheThread}) after all of them have had
     * theirs (the first one; a different later one is added to it as suppressed).
     */
    void stop(Throwable cause) {
        VirtualMachineError fatal = null;
        for (String name : listeners.keySet()) {
            NotificationListener listener = listeners.remove(name);
            if (listener != null) {
                VirtualMachineError thrown = guarded(() -> listener.onComplete(cause)); // the others still hear about the close
                if (fatal == null) {
                    fatal = thrown;
                } else if (thrown != null && thrown != fatal) {
                    fatal.addSuppressed(thrown);
                }
            }
        }
        if (fatal != null) {
            FatalErrors.handToTheThread(fatal);
        }
    }

    /** Delivers a notification or a notice; false for any other message (it is not for the listeners). */
    boolean deliver(Object msg) {
        if (msg instanceof NotificationResponse n) {
            NotificationListener listener = listeners.get(n.channel());
            if (listener != null) {
                throwIfAny(guarded(() -> listener.onNotification(new Notification(n.channel(), n.payload(), n.processId()))));
            }
            return true;
        }
        if (msg instanceof NoticeResponse notice) {
            NoticeListener listener = noticeListener;
            if (listener != null) {
                throwIfAny(guarded(() -> listener.onNotice(notice.fields())));
            }
            return true;
        }
        return false;
    }

    /**
     * Runs a listener's callback: what it throws is ignored ({@link FatalErrors}' rule) — an Error too,
     * which would otherwise reach the pipeline and close the session (REVIEW-8 F8) — except a
     * {@link VirtualMachineError}, returned for the caller to throw on; null otherwise.
     */
    private static VirtualMachineError guarded(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            if (FatalErrors.isFatal(e)) {
                return (VirtualMachineError) e;
            }
            // else ignored: the listener's own failure
        }
        return null;
    }

    private static void throwIfAny(VirtualMachineError fatal) {
        if (fatal != null) {
            throw fatal;
        }
    }
}
