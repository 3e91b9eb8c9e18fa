package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-31 F4 on a real primary + standby: the recipe's reads factory ({@code prefer-standby}) whose only standby is
 * stopped falls back to the primary, and returns to the standby when it is back — two failovers, as before, but
 * {@code pg.conn.failovers} tells them ({@code kind=standby-to-primary}, then {@code kind=primary-to-standby}) from
 * writes moving ({@code kind=primary-to-primary}, which stays 0 for both factories): a page on writes moving no longer fires
 * for a routine standby restart. Before, the meter had no {@code kind} tag.
 */
@SpringBootTest(classes = { TestApplication.class, ReadsOnTheStandbyRecipeTest.ReadsOnTheStandby.class }, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write", "pg.conn.database=postgres",
        "pg.conn.extension-types=", "pg.conn.startup-check=none", "pg.conn.host-connect-timeout=2s",
        "pg.conn.health.host-check-interval=200ms" })
class ReadsFallbackFailoverKindIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-reads-fallback-kind", 1);

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void aStandbyRestartIsAFallbackToThePrimaryAndBackNotAPrimaryMove() {
        PgServer standby = PG.standby(0);
        Health settled = ((HealthIndicator) ((CompositeHealthContributor) this.pgConnHealthContributor)
                .getContributor("readsPg")).health(true); // waits for the first probe round
        assertThat(settled.getDetails()).containsEntry("activeHost", StarterCluster.label(standby));
        assertThat(byKind("readsPg")).containsExactlyEntriesOf(kinds(0, 0, 0, 0));

        standby.stop(StopMode.FAST);
        awaitCondition("reads fell back to the primary: " + byKind("readsPg"), Duration.ofSeconds(30),
                () -> byKind("readsPg").get("standby-to-primary") == 1);
        standby.start();
        awaitCondition("reads back on the standby: " + byKind("readsPg"), Duration.ofSeconds(30),
                () -> byKind("readsPg").get("primary-to-standby") == 1);

        assertThat(byKind("readsPg")).as("the reads factory: no primary moved").containsExactlyEntriesOf(kinds(0, 1, 1, 0));
        assertThat(byKind("pgConnectionFactory")).as("the writes factory: nothing moved").containsExactlyEntriesOf(kinds(0, 0, 0, 0));
    }

    /** {@code pg.conn.failovers} of factory {@code name}, by its {@code kind} tag. */
    private Map<String, Long> byKind(String name) {
        Map<String, Long> counts = new TreeMap<>();
        for (FunctionCounter counter : this.meters.find("pg.conn.failovers").tag("name", name).functionCounters()) {
            counts.put(String.valueOf(counter.getId().getTag("kind")), (long) counter.count()); // "null": no kind tag
        }
        return counts;
    }

    private static Map<String, Long> kinds(long primaryMoved, long fellBack, long backToStandby, long roleUnknown) {
        Map<String, Long> counts = new TreeMap<>();
        counts.put("primary-to-standby", backToStandby);
        counts.put("standby-to-primary", fellBack);
        counts.put("primary-to-primary", primaryMoved);
        counts.put("role-unknown", roleUnknown);
        return counts;
    }
}
