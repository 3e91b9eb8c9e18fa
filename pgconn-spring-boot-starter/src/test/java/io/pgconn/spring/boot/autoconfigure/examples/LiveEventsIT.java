package io.pgconn.spring.boot.autoconfigure.examples;

import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.SubscriberState;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/** Runs the starter README's LISTEN/NOTIFY example: a NOTIFY sent through DatabaseClient reaches {@link LiveEvents#live()}. */
@SpringBootTest(classes = {TestApplication.class, LiveEvents.class}, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=", "pg.conn.startup-check=none"})
class LiveEventsIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-live-events", 0);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary()));
    }

    @Autowired
    private LiveEvents liveEvents;

    @Autowired
    private NotificationSubscriber eventsSubscriber;

    @Autowired
    private DatabaseClient client;

    @Test
    void aNotifySentThroughDatabaseClientReachesTheFlux() {
        awaitCondition("the subscriber listening", Duration.ofSeconds(20),
                () -> eventsSubscriber.state().status() == SubscriberState.Status.LISTENING);
        Mono<String> first = liveEvents.live().next().cache();
        first.subscribe(); // subscribed before the NOTIFY: the sink drops what nobody is subscribed for
        // NOTIFY from the application's own pooled connection: delivered when its transaction commits
        client.sql("SELECT pg_notify('events', :payload)").bind("payload", "order 42 paid").then().block(Duration.ofSeconds(20));
        assertThat(first.block(Duration.ofSeconds(20))).isEqualTo("order 42 paid");
    }
}
