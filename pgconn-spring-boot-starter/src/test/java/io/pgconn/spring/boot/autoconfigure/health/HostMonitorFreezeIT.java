package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerFreeze;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link HostMonitor} on a real server, probed by the test: one probe that goes unanswered (the
 * server frozen for that probe only, as a JVM pause or one slow answer looks to the monitor) closes
 * none of the application's connections; a server that stays frozen through a second probe gets them
 * closed.
 */
class HostMonitorFreezeIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-monitor-freeze", 0);

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    private PgConnectionFactory application;

    private PgConnectionFactory monitors;

    private HostMonitor monitor;

    @BeforeEach
    void monitor() {
        PgServer server = PG.primary();
        HostSpec host = HostSpec.of("127.0.0.1", server.port());
        this.application = PgConnectionFactory.create(ConnConfig.builder().hosts(host).user(StarterCluster.USER)
                .password(StarterCluster.PASSWORD).database("postgres").sslMode(SslMode.DISABLE).build());
        this.monitors = this.application.builderWithSameTls(this.application.config()).threads(1).build();
        this.monitor = new HostMonitor(host, this.monitors, this.application, Duration.ofSeconds(1), PROBE_TIMEOUT,
                Clock.systemUTC(), view -> { });
    }

    @AfterEach
    void close() {
        this.monitor.close();
        this.monitors.closeAsync(Duration.ofSeconds(2)).join();
        this.application.closeAsync(Duration.ofSeconds(2)).join();
    }

    private void probe() throws Exception {
        this.monitor.probe().get(30, TimeUnit.SECONDS);
    }

    @Test
    void oneUnansweredProbeClosesNoApplicationConnection() throws Exception {
        PgConnection connection = this.application.connect().get(30, TimeUnit.SECONDS);
        probe();
        assertThat(this.monitor.view().isUp()).isTrue();
        try (ServerFreeze frozen = ServerFreeze.of(PG.primary())) {
            probe();
            assertThat(this.monitor.view().isUp()).as("the probe while frozen").isFalse();
        }
        probe();
        assertThat(this.monitor.view().isUp()).as("the probe after the thaw").isTrue();
        assertThat(connection.isClosed()).isFalse();
        assertThat(connection.query("SELECT 1").get(30, TimeUnit.SECONDS).single(Integer.class)).isEqualTo(1);
        assertThat(this.application.openConnections()).isEqualTo(1);
    }

    @Test
    void aServerFrozenThroughTwoProbesHasTheApplicationsConnectionsClosed() throws Exception {
        PgConnection connection = this.application.connect().get(30, TimeUnit.SECONDS);
        probe();
        try (ServerFreeze frozen = ServerFreeze.of(PG.primary())) {
            probe();
            assertThat(connection.isClosed()).as("after the first unanswered probe").isFalse();
            probe(); // a new monitor connection: its connect gets no answer either
            awaitCondition("the application's connection to the frozen server closed", connection::isClosed);
            awaitCondition("the application factory holds no connection", () -> this.application.openConnections() == 0);
        }
    }
}
