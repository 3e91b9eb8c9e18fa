package io.pgconn.notify;

import io.pgconn.hostile.Backend;
import io.pgconn.hostile.HostileClient;
import io.pgconn.hostile.ScriptedServer;
import io.pgconn.testing.Conditions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>The refusal reaches the subscriber only after {@code start()} returned, on another thread: when the server
 * refused before {@code start()} had hung its retry on the connect (a test thread descheduled under load), attempt
 * 1 ran on the test thread inside {@code start()} and was held there; once the hold timed out it told
 * {@code reconnecting} before the test called {@code close()} at all ([reconnecting, closed], a right order, after a
 * 10-s stall; 4 in 300 under CPU load).
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
            CompletableFuture<Void> startReturned = new CompletableFuture<>();
            // async: completing startReturned on the test thread must not run the attempt there either
            factory.answer = connect -> startReturned.thenComposeAsync(ignored -> connect);
            factory.onIsClosed = () -> {
                if (holdOnce.compareAndSet(false, true)) {
                    attemptHeld.countDown();
                    awaitQuietly(closeReturned);
                }
            };
            NotificationSubscriber subscriber = NotificationSubscriber.start(factory,
                    new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofMillis(10), Duration.ofMillis(50)), events, backoffs);
            startReturned.complete(null);
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
