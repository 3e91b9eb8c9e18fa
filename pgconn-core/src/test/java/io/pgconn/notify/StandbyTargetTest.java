package io.pgconn.notify;

import io.pgconn.PgConfigException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.Connect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * REVIEW-8 F8: PostgreSQL refuses LISTEN during recovery (25006), so a subscriber over a factory that wants
 * or prefers a standby could never listen (every channel refused, with F1's fix dropped one by one). open()
 * and start() refuse such a factory, naming the setting and its value, before any connect.
 */
class StandbyTargetTest {

    private static PgConnectionFactory factory(String target) {
        return PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1 port=1 user=u target_session_attrs=" + target,
                EnvironmentSource.none())).threads(1).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"standby", "prefer-standby"})
    void aFactoryThatWantsOrPrefersAStandbyIsRefused(String target) {
        try (InterceptingFactory factory = new InterceptingFactory(factory(target))) {
            Throwable opened = Connect.failure(NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, SubscriptionEvents.NONE));
            assertThat(opened).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("target_session_attrs=" + target).hasMessageContaining("refuses LISTEN on a standby")
                    .hasMessageContaining("read-write or primary");
            assertThat(((PgConfigException) opened).keyword()).contains("target_session_attrs");
            assertThat(((PgConfigException) opened).value()).contains(target);

            assertThatThrownBy(() -> NotificationSubscriber.start(factory, ReconnectPolicy.DEFAULT, SubscriptionEvents.NONE))
                    .isInstanceOf(PgConfigException.class).hasMessageContaining("target_session_attrs=" + target);
            assertThat(factory.connects).as("nothing dialled").hasValue(0);
        }
    }

    /** read-only may land on a primary with default_transaction_read_only=on, where LISTEN works: not refused. */
    @ParameterizedTest
    @ValueSource(strings = {"any", "read-write", "primary", "read-only"})
    void otherTargetsAreTaken(String target) {
        try (InterceptingFactory factory = new InterceptingFactory(factory(target))) {
            NotificationSubscriber subscriber = NotificationSubscriber.start(factory, ReconnectPolicy.NEVER, SubscriptionEvents.NONE);
            Connect.failure(subscriber.ended()); // port 1 refuses: NEVER gives up after the first connect
            assertThat(factory.connects).hasValue(1);
        }
    }
}
