package io.pgconn.notify;

import io.pgconn.testing.TestHostWatcher;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LISTEN subscriber's role check weighs the factory's host memory, kept per host label, against what its session's
 * own ParameterStatus says (NEW-USER-24 F1, the flaw pgconn-r2dbc's pool validation had): behind one DNS name or
 * virtual IP moved to the new primary at a switchover, the starter's health probe still on the old address reports
 * the label a {@code standby} at every check while the subscriber's session, on the new primary, says
 * {@code in_hot_standby=off}. A primary cannot turn standby under an open session, so the subscriber stays; before, it
 * re-connected at its next role check, and again after each report (notifications sent meanwhile lost). What an idle
 * session cannot have heard — a reloaded {@code default_transaction_read_only} — memory still decides.
 */
class SubscriberRoleOverLabelMemoryIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("notify-label-memory")
            .user(PgUser.scram("u", "pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    private static final ReconnectPolicy POLICY = ReconnectPolicy.DEFAULT.withRoleCheckInterval(Duration.ofMillis(50));

    @Test
    void aLabelRememberedStandbyDoesNotMoveASubscriberWhoseSessionSaysPrimary() throws Exception {
        RecordingListener received = new RecordingListener();
        RecordingEvents events = new RecordingEvents();
        try (PgConnectionFactory real = factory()) {
            InterceptingFactory factory = new InterceptingFactory(real);
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, POLICY, events));
            await(subscriber.listen("jobs", received));
            PgConnection listening = subscriber.connection();
            assertThat(listening.parameter("in_hot_standby")).isEqualTo("off");

            // what the health monitor reports while its probe session still answers from the label's old address
            HostSpec label = listening.hostSpec();
            TestHostWatcher.of(real).up(label, ServerRole.STANDBY);
            assertThat(real.hostStatus(label.label()).role()).isEqualTo(ServerRole.STANDBY);
            int readsAtTheReport = factory.memoryReads.get();
            Conditions.awaitCondition("three role checks read the label's memory",
                    () -> factory.memoryReads.get() >= readsAtTheReport + 3);

            assertThat(events.reconnecting).as("no re-connect for a standby the session's own in_hot_standby=off rules out")
                    .isEmpty();
            assertThat(subscriber.connection()).isSameAs(listening);
            assertThat(subscriber.reconnects()).isZero();
            notify(real, "jobs", "still here");
            assertThat(received.next().payload()).isEqualTo("still here");
            await(subscriber.close());
        }
    }

    @Test
    void aReloadedReadOnlyTheIdleSessionCannotHaveHeardStillMovesIt() throws Exception {
        RecordingListener received = new RecordingListener();
        RecordingEvents events = new RecordingEvents();
        try (PgConnectionFactory factory = factory()) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, POLICY, events));
            await(subscriber.listen("jobs", received));
            PgConnection listening = subscriber.connection();

            TestHostWatcher.of(factory).up(listening.hostSpec(), ServerRole.READ_ONLY_PRIMARY);
            Conditions.awaitCondition("the subscriber re-connected", () -> !events.reconnected.isEmpty());

            assertThat(events.reconnecting.get(0)).isInstanceOf(WrongRoleException.class);
            assertThat(((WrongRoleException) events.reconnecting.get(0)).role()).isEqualTo(ServerRole.READ_ONLY_PRIMARY);
            assertThat(subscriber.connection()).isNotSameAs(listening);
            notify(factory, "jobs", "after");
            assertThat(received.next().payload()).isEqualTo("after");
            await(subscriber.close());
        }
    }

    private static PgConnectionFactory factory() {
        return PgConnectionFactory.builder(Connect.config(PG.primary(), "u", "pw",
                "sslmode=disable extensionTypes='' target_session_attrs=read-write")).threads(1).build();
    }

    private static void notify(PgConnectionFactory factory, String channel, String payload) {
        PgConnection notifier = await(factory.connect());
        await(notifier.simpleQuery("NOTIFY " + channel + ", '" + payload + "'"));
        await(notifier.close());
    }
}
