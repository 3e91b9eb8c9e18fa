package io.pgconn.examples;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriptionEvents;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The README's LISTEN/NOTIFY example: a subscriber that LISTENs (and re-connects), a session that NOTIFYs. */
public final class NotifyExample {

    public static void main(String[] args) throws InterruptedException {
        String dsn = args.length > 0 ? args[0] : "postgresql://postgres@localhost:5432/postgres";
        try (PgConnectionFactory factory = PgConnectionFactory.create(ConnConfig.parse(dsn))) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();

            // LISTEN through the factory: re-connects (to the new primary after a failover) and LISTENs again
            NotificationSubscriber subscriber = NotificationSubscriber.start(factory, ReconnectPolicy.DEFAULT, SubscriptionEvents.NONE);
            // the listener runs on the connection's event loop: hand the payload off, never block here
            subscriber.listen("orders", notification -> received.add(notification.payload()))
                    .join(); // completes once a connection LISTENs

            // NOTIFY from any session: delivered when the sender's transaction commits
            PgConnection sender = factory.connect().join();
            try {
                sender.query("SELECT pg_notify($1, $2)", "orders", "order 42 paid").join();
            } finally {
                sender.close().join();
            }

            System.out.println(received.poll(10, TimeUnit.SECONDS));
            subscriber.close().join();
        }
    }
}
