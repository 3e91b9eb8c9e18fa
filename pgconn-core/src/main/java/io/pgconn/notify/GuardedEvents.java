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
 */
final class GuardedEvents implements SubscriptionEvents {

    private static final System.Logger LOG = System.getLogger(NotificationSubscriber.class.getName());

    private final SubscriptionEvents events;

    private final AtomicBoolean warned = new AtomicBoolean();

    GuardedEvents(SubscriptionEvents events) {
        this.events = events;
    }

    @Override
    public void connected(PgConnection connection) {
        call("connected", () -> events.connected(connection));
    }

    @Override
    public void reconnecting(int attempt, Throwable cause) {
        call("reconnecting", () -> events.reconnecting(attempt, cause));
    }

    @Override
    public void reconnected(PgConnection connection, int attempts) {
        call("reconnected", () -> events.reconnected(connection, attempts));
    }

    @Override
    public void gaveUp(Throwable cause) {
        call("gaveUp", () -> events.gaveUp(cause));
    }

    @Override
    public void closed() {
        call("closed", events::closed);
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
