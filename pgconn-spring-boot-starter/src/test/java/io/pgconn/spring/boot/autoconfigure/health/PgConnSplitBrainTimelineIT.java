package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A split brain that nothing found by a host going down (closing-note-28 F8's open end): the application's read-write
 * connects reached the primary, then its standby was promoted while the primary kept answering — two primaries, the
 * old one on timeline 1, the promoted one on 2. The health's monitors see both answer as primary, read their timelines
 * ({@link SplitBrainTimelines}) and tell the factory: the promoted one becomes the sticky primary — where new
 * connections go, and what a pgconn pool keeps its sessions on — and {@code activeHost} follows, one failover, with the
 * split-brain warning naming it. Before, the old primary stayed sticky and {@code activeHost} for as long as it answered.
 */
@SpringBootTest(classes = TestApplication.class, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.health.host-check-interval=200ms" })
class PgConnSplitBrainTimelineIT {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-split-timeline", 1);

    @Autowired
    private PgConnectionFactory factory;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void thePromotedStandbyOnTheNewerTimelineBecomesTheStickyPrimaryAndTheActiveHostWhileTheOldOneAnswersOn() throws Exception {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        String oldLabel = StarterCluster.label(primary);
        String promotedLabel = StarterCluster.label(standby);
        assertThat(hostOfNewConnect()).isEqualTo(oldLabel);
        HealthDetails.await(this.pgConnHealthContributor, "the primary active", WITHIN,
                h -> oldLabel.equals(h.getDetails().get("activeHost")));

        standby.promote();
        Health moved = HealthDetails.await(this.pgConnHealthContributor, "the promoted standby active", WITHIN,
                h -> promotedLabel.equals(h.getDetails().get("activeHost")));
        assertThat(moved.getDetails()).containsEntry("failovers", 1L);
        assertThat(HealthDetails.host(moved, oldLabel)).as("the old primary answers on").containsEntry("status", "up")
                .containsEntry("role", "primary");
        assertThat(this.factory.stickyPrimary()).contains(promotedLabel);
        assertThat(hostOfNewConnect()).as("new read-write connections go to the newer primary").isEqualTo(promotedLabel);
        Health warned = HealthDetails.await(this.pgConnHealthContributor, "the split-brain warning", WITHIN,
                h -> h.getDetails().get("warning") != null);
        assertThat(String.valueOf(warned.getDetails().get("warning"))).contains("2 hosts answer as primary")
                .endsWith("go to " + promotedLabel);
        assertThat(warned.getDetails()).as("no move back").containsEntry("activeHost", promotedLabel).containsEntry("failovers", 1L);
    }

    private String hostOfNewConnect() throws Exception {
        PgConnection connection = this.factory.connect().get(10, TimeUnit.SECONDS);
        try {
            return connection.host();
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
