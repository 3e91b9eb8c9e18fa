package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgCluster;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerFreeze;
import io.pgconn.testkit.PgUser;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * How fast health sees a failover with no application traffic, with the default
 * {@code host-check-interval} (1 s) and {@code host-connect-timeout=1s}: a primary crashed
 * ({@code pg_ctl stop -m immediate}) or frozen (SIGSTOP) and its standby promoted, until
 * {@code activeHost} is the new primary. Each run uses a fresh primary + standby. Runs:
 * {@code -Dpgconn.detection.runs} (default 2 per case in {@code mvn verify}; the README's numbers
 * are from 20). Times are printed as p50 / p99 / max, from the crash or freeze and from the end of
 * the promotion.
 */
class PgConnHealthDetectionIT {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Duration HOST_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private static final int RUNS = Integer.getInteger("pgconn.detection.runs", 2);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnHealthContributorAutoConfiguration.class));

    @Test
    void crashedPrimaryAndPromotedStandby() {
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(measure("crash", primary -> {
                primary.stop(StopMode.IMMEDIATE);
                return () -> {
                };
            }));
        }
        report("crash + promote", runs);
        // one interval for the promoted standby's next probe, plus scheduling slack on a shared machine
        assertThat(runs).allSatisfy(r -> assertThat(r[1]).as("ms from promote to activeHost")
                .isLessThanOrEqualTo(INTERVAL.toMillis() + 1000));
    }

    @Test
    void frozenPrimaryAndPromotedStandby() {
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(measure("freeze", ServerFreeze::of));
        }
        report("SIGSTOP + promote", runs);
        // the frozen primary's probe times out: one interval plus host-connect-timeout, plus slack
        assertThat(runs).allSatisfy(r -> assertThat(r[0]).as("ms from freeze to activeHost")
                .isLessThanOrEqualTo(INTERVAL.toMillis() + HOST_CONNECT_TIMEOUT.toMillis() + 1000));
    }

    /** {ms from the primary's failure, ms from the end of the promotion} until health shows the standby as active. */
    private long[] measure(String name, Function<PgServer, AutoCloseable> breakPrimary) {
        long[] result = new long[2];
        try (PgCluster cluster = PgCluster.builder().name("starter-detect-" + name).standbys(1)
                .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .start()) {
            PgServer primary = cluster.primary();
            PgServer standby = cluster.standby(0);
            this.runner.withPropertyValues("pg.conn.hosts=" + StarterCluster.label(primary) + "," + StarterCluster.label(standby),
                            "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                            "pg.conn.database=postgres", "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
                            "pg.conn.extension-types=", "pg.conn.startup-check=none",
                            "pg.conn.host-connect-timeout=" + HOST_CONNECT_TIMEOUT.toMillis() + "ms")
                    .run(context -> {
                        PgConnHealthIndicator health = context.getBean(PgConnHealthIndicator.class);
                        awaitHealth(health, h -> StarterCluster.label(primary).equals(h.getDetails().get("activeHost"))
                                && "standby".equals(hostDetail(h, standby, "role")), Duration.ofSeconds(20));
                        long failed = System.nanoTime();
                        // undone (SIGCONT) before the cluster stops: a frozen postmaster would hold pg_ctl stop
                        try (AutoCloseable broken = breakPrimary.apply(primary)) {
                            standby.promote();
                            long promoted = System.nanoTime();
                            long seen = awaitHealth(health, h -> Status.UP.equals(h.getStatus())
                                    && StarterCluster.label(standby).equals(h.getDetails().get("activeHost")), Duration.ofSeconds(30));
                            result[0] = (seen - failed) / 1_000_000;
                            result[1] = Math.max(0, seen - promoted) / 1_000_000;
                            assertThat(hostDetail(health.health(), primary, "status")).isEqualTo("down");
                        }
                    });
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Object hostDetail(Health health, PgServer server, String key) {
        Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) health.getDetails().get("hosts");
        return hosts == null ? null : hosts.getOrDefault(StarterCluster.label(server), Map.of()).get(key);
    }

    /** Polls the indicator (a check reads the monitors' last results: no I/O) until {@code condition}; the time it held. */
    private static long awaitHealth(PgConnHealthIndicator indicator, Predicate<Health> condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Health last = null;
        while (System.nanoTime() < deadline) {
            last = indicator.health();
            if (condition.test(last)) {
                return System.nanoTime();
            }
            Thread.onSpinWait();
        }
        return fail("health did not reach the expected state within " + limit + "; last: " + last);
    }

    private static void report(String name, List<long[]> runs) {
        System.out.printf("pgconn health detection, %s, %d runs: from failure p50 %d ms, p99 %d ms, max %d ms;"
                        + " from promote p50 %d ms, p99 %d ms, max %d ms%n", name, runs.size(),
                percentile(runs, 0, 50), percentile(runs, 0, 99), percentile(runs, 0, 100),
                percentile(runs, 1, 50), percentile(runs, 1, 99), percentile(runs, 1, 100));
    }

    /** Nearest-rank percentile. */
    private static long percentile(List<long[]> runs, int column, int percent) {
        List<Long> values = new ArrayList<>(runs.stream().map(r -> r[column]).toList());
        Collections.sort(values);
        int rank = (int) Math.ceil(percent / 100.0 * values.size());
        return values.get(Math.max(0, rank - 1));
    }
}
