package io.pgconn.notify;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A LISTEN connection that re-connects in place after the server terminates it, and re-issues LISTEN. */
class NotificationSubscriberIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("notify")
            .user(PgUser.scram("u", "pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    void reconnectsAfterTheBackendIsTerminatedAndKeepsDelivering() throws Exception {
        RecordingListener received = new RecordingListener();
        CountDownLatch reconnected = new CountDownLatch(1);
        try (PgConnectionFactory factory = PgConnectionFactory.builder(
                Connect.config(PG.primary(), "u", "pw", "sslmode=disable extensionTypes=''")).threads(1).build()) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory,
                    new ReconnectPolicy(5, Duration.ofMillis(50), Duration.ofMillis(500)), new SubscriptionEvents() {
                        @Override
                        public void reconnected(PgConnection connection, int attempts) {
                            reconnected.countDown();
                        }
                    }));
            await(subscriber.listen("events", received));
            PgConnection notifier = await(factory.connect());
            await(notifier.simpleQuery("NOTIFY events, 'before'"));
            assertThat(received.next().payload()).isEqualTo("before");

            int firstPid = subscriber.connection().processId();
            PG.primary().query("SELECT pg_terminate_backend(" + firstPid + ")");
            assertThat(reconnected.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(subscriber.connection().processId()).isNotEqualTo(firstPid);
            assertThat(received.isCompleted()).as("completed by a re-connect").isFalse();

            await(notifier.simpleQuery("NOTIFY events, 'after'"));
            assertThat(received.next().payload()).isEqualTo("after");

            await(subscriber.close());
            received.awaitCompleted();
            await(subscriber.ended());
            await(notifier.close());
        }
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() throws Exception {
        CountDownLatch gaveUp = new CountDownLatch(1);
        PgConnectionFactory factory = PgConnectionFactory.builder(
                Connect.config(PG.primary(), "u", "pw", "sslmode=disable extensionTypes=''")).threads(1).build();
        try {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory,
                    new ReconnectPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)), new SubscriptionEvents() {
                        @Override
                        public void gaveUp(Throwable cause) {
                            gaveUp.countDown();
                        }
                    }));
            await(subscriber.listen("events", n -> { }));
            // a password change makes every re-connect fail
            PG.primary().query("ALTER ROLE u PASSWORD 'changed'");
            PG.primary().query("SELECT pg_terminate_backend(" + subscriber.connection().processId() + ")");
            assertThat(gaveUp.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(subscriber.ended()).isCompletedExceptionally();
        } finally {
            PG.primary().query("ALTER ROLE u PASSWORD 'pw'");
            factory.close();
        }
    }
}
