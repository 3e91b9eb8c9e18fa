package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriptionEvents;

import java.time.Duration;

/** The subscriber beans of the starter's subscriber health and meter ITs: started on the factory, listening to one channel. */
public final class ListeningSubscribers {

    /** Re-connects without end, 50 ms doubling to 200 ms apart: a lost server is listened to again soon after it is back. */
    public static final ReconnectPolicy QUICK_FOREVER =
            new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofMillis(50), Duration.ofMillis(200));

    private ListeningSubscribers() {
    }

    /** A subscriber on {@code factory} with {@code policy}, listening to {@code channel} and ignoring what arrives. */
    public static NotificationSubscriber listeningTo(String channel, PgConnectionFactory factory, ReconnectPolicy policy) {
        NotificationSubscriber subscriber = NotificationSubscriber.start(factory, policy, SubscriptionEvents.NONE);
        subscriber.listen(channel, n -> { });
        return subscriber;
    }
}
