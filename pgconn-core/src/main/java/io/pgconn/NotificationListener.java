package io.pgconn;

/**
 * Receives notifications for one channel. Called on the connection's event loop: do not block in
 * it (hand long work to an executor).
 */
@FunctionalInterface
public interface NotificationListener {

    void onNotification(Notification notification);

    /** No further notifications will come: the connection closed or the channel was unlistened. {@code cause} is null for a normal end. */
    default void onComplete(Throwable cause) {
    }
}
