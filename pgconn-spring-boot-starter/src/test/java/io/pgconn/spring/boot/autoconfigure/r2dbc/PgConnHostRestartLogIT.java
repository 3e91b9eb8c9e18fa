package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * user13's F5: a fast restart of the server that ended every pooled session left no pgconn log line (the health
 * probe did not fall into it). Now the host's ending of sessions is one WARN naming the host and the reason, however
 * many sessions it ended, and the first statement that succeeds there afterwards one INFO (starter.md §3).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=4", "pg.conn.pool.max-size=4",
        "management.health.pgconn.enabled=false" })
class PgConnHostRestartLogIT {

    private static final int SESSIONS = 4;
    private static final Duration STEP = Duration.ofSeconds(40);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-host-restart-log", 0);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary()));
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ConnectionPool pool;

    @Autowired
    private PgConnectionFactory factory;

    @Test
    void aRestartThatEndsEverySessionIsOneWarnAndTheReturnOneInfo(CapturedOutput output) {
        PgServer server = PG.primary();
        String host = "127.0.0.1:" + server.port();
        pool.warmup().block(STEP);
        awaitCondition("the pool's sessions to be open", STEP, () -> factory.openConnections() == SESSIONS);

        server.restart();
        awaitCondition("the ended sessions to be closed", STEP, () -> factory.openConnections() == 0);
        assertThat(client.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one().block(STEP)).isEqualTo(1);
        awaitCondition("the INFO on the host's return", STEP, () -> output.getAll().contains("a statement on " + host + " succeeds again"));

        List<String> warns = output.getAll().lines().filter(line -> line.contains("host " + host + " ended a session")).toList();
        assertThat(warns).singleElement().satisfies(line -> assertThat(line).contains("WARN")
                .contains("ended a session: ").contains("(SQLSTATE 57P01)")); // a fast shutdown's "terminating connection due to administrator command"
        assertThat(output.getAll().lines().filter(line -> line.contains("a statement on " + host + " succeeds again")).toList())
                .singleElement()
                .satisfies(line -> assertThat(line).contains("INFO").contains(SESSIONS + " sessions lost there meanwhile"));
        assertThat(output.getAll()).doesNotContain(StarterCluster.PASSWORD);
    }
}
