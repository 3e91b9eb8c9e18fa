package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.spring.boot.autoconfigure.health.HealthDetails;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static io.pgconn.spring.boot.autoconfigure.health.HealthDetails.host;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-22 F5's last line, on a real primary and standby: two switchovers as an operator runs them (the primary
 * stopped cleanly, the standby promoted, the old primary started again as a standby of the new one). The old primary
 * ended the pool's sessions (one WARN), and was a healthy standby again a second later — which the health probes saw —
 * but the log said so only at the next switchover, when a connect landed there again: "a connect to db1 succeeds
 * again, 661329 ms after it ended a session". With health on, the first probe answered after the loss ends it (INFO,
 * with the role it answers in); the connect after the second switchover says nothing more.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=3", "pg.conn.pool.max-size=3",
        "pg.conn.health.host-check-interval=100ms" })
class PgConnSwitchoverSessionLossLogIT {

    private static final int SESSIONS = 3;
    private static final Duration STEP = Duration.ofSeconds(30);
    /** Many probe rounds: an old build never logs the return while the host is a standby, and this fails, not hangs. */
    private static final Duration RETURN_LOGGED = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-switchover-loss-log", 1);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ConnectionPool pool;

    @Autowired
    private PgConnectionFactory factory;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Test
    void aHostBackAsAStandbyIsLoggedBackWhenItsProbeAnswersNotAtTheNextSwitchover(CapturedOutput output) {
        PgServer a = PG.primary();
        PgServer b = PG.standby(0);
        String la = StarterCluster.label(a);
        String lb = StarterCluster.label(b);
        awaitHealth("a active, b up as standby", h -> la.equals(h.getDetails().get("activeHost")) && "standby".equals(host(h, lb).get("role")));
        pool.warmup().block(STEP);
        awaitCondition("the pool's sessions open on a", STEP, () -> factory.openConnections() == SESSIONS);

        // switchover 1: a stopped cleanly (ends the pool's sessions), b promoted, a back as b's standby
        switchOver(a, b);
        awaitHealth("b active, a up as standby", h -> lb.equals(h.getDetails().get("activeHost")) && "up".equals(host(h, la).get("status"))
                && "standby".equals(host(h, la).get("role")));
        assertThat(write()).isEqualTo(lb);
        awaitCondition("the INFO that a is back, from its probe", RETURN_LOGGED,
                () -> output.getAll().contains("host " + la + " is up again (standby), "));

        // switchover 2: b stopped, a promoted, b back as a's standby; the pool's connects land on a again
        pool.warmup().block(STEP);
        switchOver(b, a);
        awaitHealth("a active, b up as standby", h -> la.equals(h.getDetails().get("activeHost")) && "up".equals(host(h, lb).get("status"))
                && "standby".equals(host(h, lb).get("role")));
        assertThat(write()).isEqualTo(la);
        awaitCondition("the INFO that b is back, from its probe", RETURN_LOGGED,
                () -> output.getAll().contains("host " + lb + " is up again (standby), "));

        String log = output.getAll();
        assertThat(lines(log, "host " + la + " ended a session")).as("a's loss").singleElement()
                .satisfies(line -> assertThat(line).contains("WARN").contains("(SQLSTATE 57P01)"));
        assertThat(lines(log, "host " + la + " is up again (standby), ")).as("a's return").singleElement()
                .satisfies(line -> assertThat(line).contains("INFO").contains(SESSIONS + " sessions lost there meanwhile"));
        assertThat(lines(log, "host " + lb + " ended a session")).as("b's loss").singleElement();
        assertThat(lines(log, "host " + lb + " is up again (standby), ")).as("b's return").singleElement();
        assertThat(lines(log, "succeeds again")).as("a connect long after the host was back says nothing").isEmpty();
        assertThat(log).doesNotContain(StarterCluster.PASSWORD);
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

    /** Where a write through the pool lands. */
    private String write() {
        return client.sql("SELECT inet_server_port()::text, txid_current()").map(row -> row.get(0, String.class)).one()
                .map(port -> "127.0.0.1:" + port).block(STEP);
    }

    private Health awaitHealth(String what, Predicate<Health> condition) {
        return HealthDetails.await(pgConnHealthContributor, what, STEP, condition);
    }

    private static List<String> lines(String log, String text) {
        return log.lines().filter(line -> line.contains(text)).toList();
    }
}
