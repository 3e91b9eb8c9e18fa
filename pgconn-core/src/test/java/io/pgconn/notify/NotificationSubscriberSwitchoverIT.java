package io.pgconn.notify;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * user4's F1: a switchover without a crash (the old primary turned read-only by configuration, the
 * standby promoted) leaves the LISTEN connection open on a server nobody writes to; the subscriber
 * must notice the role from the server and move to the new primary through the factory's failover.
 */
class NotificationSubscriberSwitchoverIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("notify-switchover")
            .standbys(1)
            .user(PgUser.scram("u", "pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    void afterASwitchoverItListensOnTheNewPrimary() throws Exception {
        PgServer oldPrimary = PG.primary();
        PgServer standby = PG.standby(0);
        ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + oldPrimary.port() + "," + standby.port()
                + " dbname=postgres user=u password=pw sslmode=disable extensionTypes='' target_session_attrs=read-write",
                EnvironmentSource.of(Map.of()));
        RecordingListener received = new RecordingListener();
        RecordingEvents events = new RecordingEvents();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(1).build()) {
            NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory,
                    ReconnectPolicy.DEFAULT.withRoleCheckInterval(Duration.ofMillis(100)), events));
            await(subscriber.listen("orders", received));
            assertThat(subscriber.connection().hostSpec().port()).isEqualTo(oldPrimary.port());
            PgConnection before = await(factory.connect());
            await(before.simpleQuery("NOTIFY orders, 'before'"));
            assertThat(received.next().payload()).isEqualTo("before");
            await(before.close());

            oldPrimary.setConfig("default_transaction_read_only", "on");
            standby.promote();

            Conditions.awaitCondition("the subscriber re-connected", () -> !events.reconnected.isEmpty());
            assertThat(events.reconnecting.get(0)).isInstanceOf(WrongRoleException.class)
                    .hasMessageContaining(oldPrimary.port() + "").hasMessageContaining("target_session_attrs=read-write");
            assertThat(((WrongRoleException) events.reconnecting.get(0)).role()).isEqualTo(ServerRole.READ_ONLY_PRIMARY);
            assertThat(subscriber.connection().hostSpec().port()).as("listens on the promoted standby").isEqualTo(standby.port());
            Conditions.awaitCondition("the old primary's LISTEN session is gone",
                    () -> oldPrimary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = 'u'").equals("0"));
            assertThat(received.isCompleted()).as("completed by a re-connect").isFalse();

            PgConnection after = await(factory.connect());
            assertThat(after.hostSpec().port()).isEqualTo(standby.port());
            await(after.simpleQuery("NOTIFY orders, 'after'"));
            assertThat(received.next().payload()).isEqualTo("after");
            await(after.close());

            await(subscriber.close());
            assertThat(events.gaveUp).isEmpty();
        }
    }
}
