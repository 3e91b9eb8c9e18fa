package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 11 F2: Prometheus (and any registry that needs it) refuses a meter whose tag keys differ from
 * those of the first meter of the same name, and drops it for the life of the process. A refused host
 * attempt had no {@code db.server.role} key while a connected one had, so whichever kind came first
 * hid the other from {@code /actuator/prometheus}. Every {@code pg.conn.connect.attempt} timer — connected,
 * role mismatch, refused — has the same keys, against a real primary + standby with a refused port first.
 */
class PgConnConnectAttemptTagKeysIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-attempt-tag-keys", 1);

    @Test
    void everyHostAttemptTimerHasTheSameTagKeysWhateverItsOutcome() throws Exception {
        int refused = StarterCluster.refusedPort();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
                .withBean(MeterRegistry.class, () -> meters)
                .withBean(ObservationRegistry.class, () -> {
                    ObservationRegistry registry = ObservationRegistry.create();
                    registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
                    return registry;
                })
                .withPropertyValues("pg.conn.hosts=127.0.0.1:" + refused + "," + StarterCluster.label(PG.standby(0)) + ","
                                + StarterCluster.label(PG.primary()),
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.database=postgres", "pg.conn.ssl.mode=prefer", // no TLS on these servers: each session ends plaintext
                        "pg.conn.target-session-attrs=read-write",
                        "pg.conn.startup-check=none", "pg.conn.host-recheck-interval=0")
                .run(context -> {
                    PgConnection c = context.getBean(PgConnectionFactory.class).connect().get(30, TimeUnit.SECONDS);
                    c.close().get(30, TimeUnit.SECONDS);
                });
        List<Timer> attempts = List.copyOf(meters.find("pg.conn.connect.attempt").timers());
        assertThat(attempts).extracting(t -> t.getId().getTag("outcome"))
                .as("one connect walked past the refused port and the standby to the primary")
                .contains("refused", "role-mismatch", "connected");
        Set<Set<String>> keySets = attempts.stream().map(PgConnConnectAttemptTagKeysIT::keys).collect(Collectors.toSet());
        assertThat(keySets).as("tag keys of every pg.conn.connect.attempt timer (Prometheus drops a meter whose keys differ)")
                .hasSize(1);
        Timer refusedAttempt = attempts.stream().filter(t -> "refused".equals(t.getId().getTag("outcome"))).findFirst().orElseThrow();
        assertThat(refusedAttempt.getId().getTag("db.server.role")).as("a refused host has no role").isEqualTo("unknown");
        // tls says whether the session is encrypted: each attempt began with TLS (prefer) and the server said no
        // (NEW-USER-21 F6: tls=true on plaintext sessions and on refused attempts)
        Timer connected = attempts.stream().filter(t -> "connected".equals(t.getId().getTag("outcome"))).findFirst().orElseThrow();
        assertThat(connected.getId().getTag("tls")).as("a plaintext session").isEqualTo("false");
        assertThat(refusedAttempt.getId().getTag("tls")).as("a refused attempt has no session").isEqualTo("unknown");
    }

    private static Set<String> keys(Meter meter) {
        return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toCollection(TreeSet::new));
    }
}
