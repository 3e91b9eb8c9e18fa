package io.pgconn.notify;

import io.pgconn.hostile.Backend;
import io.pgconn.hostile.HostileClient;
import io.pgconn.hostile.ScriptedServer;
import io.pgconn.testing.Conditions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 10's leftover: after {@code closed()}, no further events. A re-connect attempt checks that the
 * subscriber is not closing and then tells {@code reconnecting}; a {@code close()} that fell between the two
 * ended the subscription and told {@code closed()}, and the attempt's {@code reconnecting} came after it. Here
 * the attempt (start()'s, after the server refused the first login) is held in between: in the factory's
 * {@code isClosed()}, which it asks there.
 */
class SubscriberEndEventsIT {

    @Test
    void anAttemptThatBeganBeforeCloseIsNotToldAfterClosed() throws Exception {
        CountDownLatch attemptHeld = new CountDownLatch(1);
        CountDownLatch closeReturned = new CountDownLatch(1);
        AtomicBoolean holdOnce = new AtomicBoolean();
        RecordingEvents events = new RecordingEvents();
        ManualBackoff backoffs = new ManualBackoff();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse("57P03", "the database system is starting up"));
        }); HostileClient client = new HostileClient(server, "sslmode=disable")) {
            InterceptingFactory factory = new InterceptingFactory(client.factory());
            factory.onIsClosed = () -> {
                if (holdOnce.compareAndSet(false, true)) {
                    attemptHeld.countDown();
                    awaitQuietly(closeReturned);
                }
            };
            NotificationSubscriber subscriber = NotificationSubscriber.start(factory,
                    new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofMillis(10), Duration.ofMillis(50)), events, backoffs);
            assertThat(attemptHeld.await(10, TimeUnit.SECONDS)).as("attempt 1 began").isTrue();
            await(subscriber.close());
            assertThat(events.order).as("told by close()").containsExactly("closed");
            closeReturned.countDown();

            // the attempt asks the timer for its backoff, then sees the subscription ended and cancels it: wait for
            // both, or the assertion below may look between the two (seen once in a full verify)
            Conditions.awaitCondition("the held attempt went on to its backoff, and that backoff ended",
                    () -> !backoffs.requested.isEmpty() && backoffs.requested.get(0).isDone());
            assertThat(events.order).as("events after the held attempt went on").containsExactly("closed");
            assertThat(backoffs.requested.get(0)).as("its backoff, asked for after close()").isCancelled();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
