package io.pgconn.notify;

import io.pgconn.PgConnection;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a {@link NotificationSubscriber} reported, for tests to wait on with Conditions. */
final class RecordingEvents implements SubscriptionEvents {

    final List<PgConnection> connected = new CopyOnWriteArrayList<>();
    final List<Throwable> reconnecting = new CopyOnWriteArrayList<>();
    final List<PgConnection> reconnected = new CopyOnWriteArrayList<>();
    final List<Throwable> gaveUp = new CopyOnWriteArrayList<>();
    final List<Boolean> closed = new CopyOnWriteArrayList<>();
    /** Every event's name, in the order told. */
    final List<String> order = new CopyOnWriteArrayList<>();

    @Override
    public void connected(PgConnection connection) {
        connected.add(connection);
        order.add("connected");
    }

    @Override
    public void reconnecting(int attempt, Throwable cause) {
        reconnecting.add(cause);
        order.add("reconnecting");
    }

    @Override
    public void reconnected(PgConnection connection, int attempts) {
        reconnected.add(connection);
        order.add("reconnected");
    }

    @Override
    public void gaveUp(Throwable cause) {
        gaveUp.add(cause);
        order.add("gaveUp");
    }

    @Override
    public void closed() {
        closed.add(true);
        order.add("closed");
    }
}
