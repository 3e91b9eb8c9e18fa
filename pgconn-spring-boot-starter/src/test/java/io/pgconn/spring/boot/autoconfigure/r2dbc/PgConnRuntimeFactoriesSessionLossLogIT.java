package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnPools;
import io.pgconn.spring.boot.autoconfigure.PgConnFactoryBuilders;
import io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.spring.boot.autoconfigure.health.HealthDetails;
import io.pgconn.spring.boot.autoconfigure.health.PgConnRuntimeHealthIndicator;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.pgconn.spring.boot.autoconfigure.health.HealthDetails.host;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-23 F7, second half, on a real primary and standby: the auto-configured factory and {@value #TENANTS}
 * runtime factories ({@link PgConnRuntimeFactories}, a database per tenant; here all on the same hosts), each with
 * pooled sessions on the primary, and a switchover (the primary stopped cleanly, the standby promoted, the old primary
 * started again as its standby). Every factory lost its sessions on the old primary; the log says so once — one WARN
 * for the host, one return line counting each factory's sessions by name — where before each factory logged its own
 * WARN ({@value #TENANTS} + 1 of them; r2dbc-postgresql logs 1). Each factory's health stays its own. Only this test's
 * hosts' lines are read (the captured output holds other cached contexts' logs too).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=2", "pg.conn.pool.max-size=2",
        "pg.conn.health.host-check-interval=100ms" })
@DirtiesContext // the servers stop after this class
class PgConnRuntimeFactoriesSessionLossLogIT {

    private static final int TENANTS = 4;
    private static final int CONTROL_SESSIONS = 2;
    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-runtime-loss-log", 1);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Autowired
    private PgConnectionFactory control;

    @Autowired
    private ConnectionPool pool;

    @Autowired
    private PgConnFactoryBuilders builders;

    @Autowired
    private PgConnRuntimeFactories runtime;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Autowired
    private PgConnRuntimeHealthIndicator runtimeHealth;

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSwitchoverIsOneWarnForTheHostAcrossTheFactoriesOnIt(CapturedOutput output) {
        PgServer a = PG.primary();
        PgServer b = PG.standby(0);
        String la = StarterCluster.label(a);
        String lb = StarterCluster.label(b);
        awaitHealth("a active, b up as standby", h -> la.equals(h.getDetails().get("activeHost")) && "standby".equals(host(h, lb).get("role")));
        pool.warmup().block(STEP);
        List<PgConnectionFactory> tenants = new ArrayList<>();
        List<ConnectionPool> tenantPools = new ArrayList<>();
        try {
            for (int i = 1; i <= TENANTS; i++) {
                String name = "tenant-" + i;
                PgConnectionFactory tenant = builders.builder(name, control.config()).build();
                tenants.add(tenant);
                ConnectionPool tenantPool = PgConnPools.over(tenant).name(name).initialSize(1).maxSize(1)
                        .maxAcquireTime(STEP).build();
                tenantPools.add(tenantPool);
                runtime.register(name, tenant, tenantPool);
                tenantPool.warmup().block(STEP);
            }
            awaitCondition("every factory's sessions open on a", STEP, () -> control.openConnections() == CONTROL_SESSIONS
                    && tenants.stream().allMatch(tenant -> tenant.openConnections() == 1));

            switchOver(a, b);
            awaitHealth("b active, a up as standby", h -> lb.equals(h.getDetails().get("activeHost"))
                    && "up".equals(host(h, la).get("status")) && "standby".equals(host(h, la).get("role")));
            awaitCondition("the line that a is back", STEP, () -> !lines(output.getAll(), "host " + la + " is up again").isEmpty()
                    || !lines(output.getAll(), "a statement on " + la + " succeeds again").isEmpty());
            awaitCondition("every factory's sessions on a gone", STEP, () -> control.openConnections() <= CONTROL_SESSIONS
                    && tenants.stream().allMatch(tenant -> tenant.openConnections() == 0));

            String log = output.getAll();
            assertThat(lines(log, "host " + la + " ended a session")).as("one WARN for a's event, not one per factory")
                    .singleElement().satisfies(line -> assertThat(line).contains("WARN").contains("(SQLSTATE 57P01)"));
            List<String> back = new ArrayList<>(lines(log, "host " + la + " is up again"));
            back.addAll(lines(log, "a statement on " + la + " succeeds again"));
            assertThat(back).as("one return line for a, every factory's sessions counted by name").singleElement()
                    .satisfies(line -> {
                        assertThat(line).contains("INFO").contains((CONTROL_SESSIONS + TENANTS) + " sessions of "
                                + (TENANTS + 1) + " factories lost there meanwhile (").contains("pgConnectionFactory " + CONTROL_SESSIONS);
                        for (int i = 1; i <= TENANTS; i++) {
                            assertThat(line).contains("tenant-" + i + " 1");
                        }
                    });
            assertThat(lines(log, lb + " ended a session")).as("b ended nothing").isEmpty();

            // what health shows per factory stays each factory's own
            Health each = runtimeHealth.health();
            assertThat(each.getDetails().get("count")).isEqualTo(TENANTS);
            assertThat(((Map<?, ?>) each.getDetails().get("factories")).keySet().stream().map(String::valueOf).toList())
                    .as("an entry per factory").hasSize(TENANTS).contains("tenant-1", "tenant-" + TENANTS);
            assertThat(log).doesNotContain(StarterCluster.PASSWORD);
        } finally {
            tenantPools.forEach(p -> p.disposeLater().block(STEP));
            tenants.forEach(t -> t.closeAsync(STEP).join());
        }
    }

    /** What an operator does (NEW-USER-22's switchover.sh): a clean stop of {@code from}, {@code to} promoted, {@code from} its standby. */
    private static void switchOver(PgServer from, PgServer to) {
        from.stop(); // fast: the sessions end with 57P01
        to.promote();
        from.setConfig("primary_conninfo", "host=" + to.address() + " port=" + to.port() + " user=" + PgServer.REPLICATION_USER
                + " application_name=" + from.name() + " connect_timeout=5");
        try {
            Files.writeString(from.dataDirectory().resolve("standby.signal"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        from.start();
    }

    private Health awaitHealth(String what, Predicate<Health> condition) {
        return HealthDetails.await(pgConnHealthContributor, what, STEP, condition);
    }

    /** The session-loss log's lines holding {@code text} (health's own "is up again as standby" line is another logger's). */
    private static List<String> lines(String log, String text) {
        return log.lines().filter(line -> line.contains("HostSessionLossLog") && line.contains(text)).toList();
    }
}
