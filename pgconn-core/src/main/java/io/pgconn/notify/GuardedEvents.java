package io.pgconn.notify;

import io.pgconn.FatalErrors;
import io.pgconn.PgConnection;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The application's {@link SubscriptionEvents}, called so that a callback that throws cannot stop
 * the subscriber (review finding F12: a throwing {@code reconnecting} ended the re-connect loop for
 * good). The first exception is logged at WARN with the callback's name and the exception's type
 * only (its message is the application's and may hold anything); every one, with its stack, at DEBUG.
 * What is caught is {@link FatalErrors}' rule: everything but a {@link VirtualMachineError}.
 *
 * <p>The end ({@code closed} or {@code gaveUp}) is told once and last: an event asked for after it is not
 * told (session 10's leftover: a re-connect attempt that began before {@code close()} checked that the
 * subscriber was open, then told {@code reconnecting} after {@code closed}), and an end asked for while
 * another callback runs is told by that callback's thread once it returns. No lock is held while a callback
 * runs: one that calls the subscriber, or waits for another thread that does, cannot dead-lock here.
 */
final class GuardedEvents implements SubscriptionEvents {

    private static final System.Logger LOG = System.getLogger(NotificationSubscriber.class.getName());

    private final SubscriptionEvents events;

    private final AtomicBoolean warned = new AtomicBoolean();

    // guarded by this
    /** The end was asked for: nothing more is told. */
    private boolean ended;
    /** Callbacks running now (on any thread). */
    private int telling;
    /** The end, asked for while callbacks ran: told when the last of them returns. */
    private Runnable endWaiting;

    GuardedEvents(SubscriptionEvents events) {
        this.events = events;
    }

    @Override
    public void connected(PgConnection connection) {
        tell("connected", () -> events.connected(connection));
    }

    @Override
    public void reconnecting(int attempt, Throwable cause) {
        tell("reconnecting", () -> events.reconnecting(attempt, cause));
    }

    @Override
    public void reconnected(PgConnection connection, int attempts) {
        tell("reconnected", () -> events.reconnected(connection, attempts));
    }

    @Override
    public void gaveUp(Throwable cause) {
        end("gaveUp", () -> events.gaveUp(cause));
    }

    @Override
    public void closed() {
        end("closed", events::closed);
    }

    /** Tells an event unless the end was asked for. */
    private void tell(String callback, Runnable call) {
        synchronized (this) {
            if (ended) {
                return;
            }
            telling++;
        }
        try {
            call(callback, call);
        } finally {
            Runnable end = null;
            synchronized (this) {
                telling--;
                if (telling == 0) {
                    end = endWaiting;
                    endWaiting = null;
                }
            }
            if (end != null) {
                end.run();
            }
        }
    }

    /** Tells the end once: now, or when the callbacks running now have returned. */
    private void end(String callback, Runnable call) {
        Runnable end = () -> call(callback, call);
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (telling > 0) {
                endWaiting = end;
                return;
            }
        }
        end.run();
    }

    private void call(String callback, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            FatalErrors.throwIfFatal(e);
            if (warned.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "SubscriptionEvents." + callback + " threw " + e.getClass().getName()
                        + "; ignored, the notification subscriber carries on (further exceptions of its callbacks are logged at DEBUG)");
            }
            LOG.log(Level.DEBUG, "SubscriptionEvents." + callback + " threw", e);
        }
    }
}
