package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static io.pgconn.spring.boot.autoconfigure.health.HealthDetails.host;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 7's F2 against a real primary and standby with {@code target-session-attrs=read-write}:
 * (A) the primary made read-only, then the standby promoted (a switchover); (B) the new primary
 * crashed, no writable host; (C) the old primary made writable again. The application's log says each
 * step once, however many probes (100 ms apart) saw it: the role changes, no host satisfying
 * read-write (WARN) and one again, and both failovers from → to with why; before, the whole run left
 * one line, (B)'s "is down".
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.health.host-check-interval=100ms" })
class PgConnFailoverLogIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-failover-log", 1);

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void aSwitchoverACrashAndAFailbackAreEachLoggedOnce(CapturedOutput output) {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        String p = StarterCluster.label(primary);
        String s = StarterCluster.label(standby);
        awaitHealth("the primary active, the standby up", h -> p.equals(h.getDetails().get("activeHost"))
                && "standby".equals(host(h, s).get("role")));

        // (A) switchover: the old primary read-only first, then the standby promoted
        setReadOnly(primary, true);
        awaitHealth("no writable host", h -> "read-only".equals(host(h, p).get("role")) && h.getDetails().get("activeHost") == null);
        standby.promote();
        awaitHealth("the promoted standby active", h -> s.equals(h.getDetails().get("activeHost")));

        // (B) the new primary crashes: no writable host
        standby.stop(StopMode.IMMEDIATE);
        awaitHealth("no writable host", h -> "down".equals(host(h, s).get("status")) && h.getDetails().get("activeHost") == null);

        // (C) the old primary writable again
        setReadOnly(primary, false);
        awaitHealth("the old primary active again", h -> p.equals(h.getDetails().get("activeHost")));

        // many more probes of the same state add nothing
        Instant settled = Instant.now().plusMillis(1000);
        awaitHealth("ten more probe rounds", h -> Instant.parse((String) host(h, p).get("lastCheckedAt")).isAfter(settled));

        String log = output.getAll();
        assertOnce(log, "pgconn health [pgConnectionFactory]: host " + p + " is now read-only (was primary)");
        assertOnce(log, "pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: " + p + ": read-only; "
                + s + ": standby");
        assertOnce(log, "pgconn health [pgConnectionFactory]: host " + s + " is now primary (was standby)");
        assertOnce(log, "pgconn [pgConnectionFactory]: active host changed from " + p + " to " + s + " (failover 1): " + p
                + " is now read-only, which target_session_attrs=read-write does not accept");
        assertOnce(log, "pgconn health [pgConnectionFactory]: " + s + " satisfies target_session_attrs=read-write again (primary), after ");
        // the crashed host's reason may read "connection closed" first (its probe session broke) and then
        // "connection refused": one "is down" line per reason, and the WARN once whichever it named
        assertThat(count(log, "pgconn health [pgConnectionFactory]: host " + s + " is down: ")).as("is-down lines").isBetween(1, 2);
        assertThat(count(log, "pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: " + p + ": read-only; "
                + s + ": ")).as("(A)'s WARN, with the standby, and (B)'s, with the crashed host's reason").isEqualTo(2);
        assertOnce(log, "pgconn health [pgConnectionFactory]: host " + p + " is now primary (was read-only)");
        assertOnce(log, "pgconn [pgConnectionFactory]: active host changed from " + s + " to " + p + " (failover 2): " + s + " is down: ");
        assertOnce(log, "pgconn health [pgConnectionFactory]: " + p + " satisfies target_session_attrs=read-write again (primary), after ");
        // only this cluster's lines: a context cached by an earlier IT in the same JVM may still log about its own hosts
        assertThat(count(log, "pgconn [pgConnectionFactory]: active host changed from " + p) + count(log,
                "pgconn [pgConnectionFactory]: active host changed from " + s)).as("failover lines").isEqualTo(2);
        assertThat(count(log, "pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: " + p + ":"))
                .as("no-writable-host lines").isEqualTo(2);
        assertThat(log).doesNotContain(StarterCluster.PASSWORD);
    }

    private static void setReadOnly(PgServer server, boolean readOnly) {
        server.execute(readOnly ? "ALTER SYSTEM SET default_transaction_read_only = on"
                : "ALTER SYSTEM RESET default_transaction_read_only");
        server.execute("SELECT pg_reload_conf()");
    }

    private void awaitHealth(String what, Predicate<Health> condition) {
        HealthDetails.await(this.pgConnHealthContributor, what, WAIT, condition);
    }

    private static void assertOnce(String log, String line) {
        assertThat(count(log, line)).as("times logged: '" + line + "' in\n" + pgconnLines(log)).isEqualTo(1);
    }

    private static int count(String log, String text) {
        return (int) log.lines().filter(line -> line.contains(text)).count();
    }

    private static String pgconnLines(String log) {
        return String.join("\n", log.lines().filter(line -> line.contains("pgconn health [") || line.contains("pgconn [")).toList());
    }
}
