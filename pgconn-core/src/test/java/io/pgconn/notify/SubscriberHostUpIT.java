package io.pgconn.notify;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 9's F2: after a primary restart the subscriber waited out its backoff (up to 5 s) although the
 * factory's host memory already knew the primary was up again, and the notifications of that window were
 * lost. A backoff now ends when the factory learns that a host its target accepts is up. The backoffs here
 * never end by themselves ({@link ManualBackoff}, never fired): a re-connect can only follow the news.
 */
class SubscriberHostUpIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("notify-hostup")
            .user(PgUser.scram("u", "pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    private final RecordingEvents events = new RecordingEvents();
    private final RecordingListener received = new RecordingListener();
    private final ManualBackoff backoffs = new ManualBackoff();

    @AfterEach
    void serverRunsAgain() {
        if (!PG.primary().isRunning()) {
            PG.primary().start();
        }
    }

    private static PgConnectionFactory factory() {
        return PgConnectionFactory.builder(Connect.config(PG.primary(), "u", "pw",
                "sslmode=disable extensionTypes='' target_session_attrs=read-write")).threads(1).build();
    }

    /** Listens on "orders", stops the primary, lets one attempt fail against it; @return the backoff after that one. */
    private CompletableFuture<Void> subscribedThroughARestart(NotificationSubscriber subscriber) {
        await(subscriber.listen("orders", received));
        PG.primary().stop();
        backoffs.fire(); // attempt 1 meets the stopped server
        Conditions.awaitCondition("attempt 1 failed", () -> events.reconnecting.size() == 2);
        assertThat(events.reconnecting.get(1)).isInstanceOf(PgConnectException.class);
        CompletableFuture<Void> secondBackoff = backoffs.awaitPending();
        assertThat(backoffs.requested).hasSize(2);
        PG.primary().start();
        assertThat(events.reconnected).as("no news of the primary yet: still waiting").isEmpty();
        assertThat(subscriber.state().status()).isEqualTo(SubscriberState.Status.RECONNECTING);
        return secondBackoff;
    }

    private void deliversAgain(PgConnectionFactory factory) throws InterruptedException {
        PgConnection notifier = await(factory.connect());
        await(notifier.simpleQuery("NOTIFY orders, 'after the restart'"));
        assertThat(received.next().payload()).isEqualTo("after the restart");
        await(notifier.close());
    }

    @Test
    void aHealthMonitorsHostUpReportEndsTheBackoff() throws Exception {
        try (PgConnectionFactory factory = factory()) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, events, backoffs));
            HostSpec host = subscriber.connection().hostSpec();
            CompletableFuture<Void> backoff = subscribedThroughARestart(subscriber);

            TestHostWatcher.of(factory).up(host, ServerRole.PRIMARY);

            Conditions.awaitCondition("re-connected", () -> !events.reconnected.isEmpty());
            assertThat(backoff).as("ended by the report, not cancelled").isCompleted().isNotCancelled();
            assertThat(backoffs.requested).as("no other backoff was asked for").hasSize(2);
            assertThat(events.order).endsWith("reconnecting", "reconnecting", "reconnected");
            assertThat(subscriber.state().status()).isEqualTo(SubscriberState.Status.LISTENING);
            deliversAgain(factory);
            await(subscriber.close());
        }
    }

    /** The application's own connect (its pool writes again) is news the factory learns too. */
    @Test
    void theApplicationsConnectToTheRestartedPrimaryEndsTheBackoff() throws Exception {
        try (PgConnectionFactory factory = factory()) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, events, backoffs));
            CompletableFuture<Void> backoff = subscribedThroughARestart(subscriber);

            PgConnection application = await(factory.connect());

            Conditions.awaitCondition("re-connected", () -> !events.reconnected.isEmpty());
            assertThat(backoff).isCompleted().isNotCancelled();
            assertThat(subscriber.connection()).isNotSameAs(application);
            await(application.close());
            deliversAgain(factory);
            await(subscriber.close());
        }
    }

    /**
     * A report that turns out wrong (the server is still down) buys one early attempt, and that attempt's
     * failure waits out the policy's next backoff: nothing hammers a down server.
     */
    @Test
    void anEarlyAttemptThatFailsWaitsOutItsNextBackoff() throws Exception {
        try (PgConnectionFactory factory = factory()) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, events, backoffs));
            HostSpec host = subscriber.connection().hostSpec();
            await(subscriber.listen("orders", received));
            PG.primary().stop();
            CompletableFuture<Void> first = backoffs.awaitPending();

            TestHostWatcher.of(factory).up(host, ServerRole.PRIMARY); // wrong: the server is stopped

            Conditions.awaitCondition("the early attempt failed", () -> events.reconnecting.size() == 2);
            assertThat(first).isCompleted().isNotCancelled();
            CompletableFuture<Void> second = backoffs.awaitPending();
            assertThat(backoffs.requested).containsExactly(first, second);
            assertThat(subscriber.state().attempt()).isEqualTo(2);

            PG.primary().start();
            TestHostWatcher.of(factory).up(host, ServerRole.PRIMARY);

            Conditions.awaitCondition("re-connected", () -> !events.reconnected.isEmpty());
            assertThat(backoffs.requested).containsExactly(first, second);
            assertThat(events.reconnecting).hasSize(2);
            deliversAgain(factory);
            await(subscriber.close());
        }
    }

    /** The subscription's end leaves no listener on the factory's host memory. */
    @Test
    void theEndClosesTheHostUpListener() throws Exception {
        try (InterceptingFactory factory = new InterceptingFactory(factory())) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, events, backoffs));
            await(subscriber.listen("orders", received));
            assertThat(factory.hostUpListeners).as("none while the first connection listens").hasValue(0);
            PG.primary().stop();
            CompletableFuture<Void> pending = backoffs.awaitPending();
            assertThat(factory.hostUpListeners).hasValue(1);

            await(subscriber.close());

            assertThat(pending).isCancelled();
            assertThat(factory.hostUpListeners).hasValue(0);
        }
    }
}
