package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
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
 * The other side of {@link PgConnHostRestartLogIT}: a server whose {@code idle_session_timeout} ends the pool's idle
 * sessions (57P05) did not go anywhere, so {@code HostSessionLossLog} logs nothing — else a server with that timeout
 * below the pool's idle time would log a WARN "host ... ended a session" and an INFO per expiry (starter.md §3).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=2",
        "management.health.pgconn.enabled=false" })
class PgConnIdleSessionTimeoutLogIT {

    private static final Duration STEP = Duration.ofSeconds(40);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-idle-timeout-log", 0);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary()));
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private PgConnectionFactory factory;

    @Test
    void sessionsTheServerEndsForTheirIdlenessAreNoHostEvent(CapturedOutput output) {
        PgServer server = PG.primary();
        server.execute("ALTER ROLE " + StarterCluster.USER + " SET idle_session_timeout = '300ms'");
        try {
            assertThat(selectOne()).isEqualTo(1);
            awaitCondition("the idle session to be ended by the server", STEP, () -> factory.openConnections() == 0);
            assertThat(selectOne()).as("a new session, after the pool dropped the ended one").isEqualTo(1);
            awaitCondition("the second idle session to be ended too", STEP, () -> factory.openConnections() == 0);
            assertThat(selectOne()).isEqualTo(1);
        } finally {
            server.execute("ALTER ROLE " + StarterCluster.USER + " RESET idle_session_timeout");
        }
        assertThat(output.getAll()).doesNotContain("ended a session").doesNotContain("succeeds again");
    }

    private Integer selectOne() {
        return client.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one().block(STEP);
    }
}
