package io.pgconn.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgconn.sample.embedded.EmbeddedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The sample as a newcomer meets it: on the embedded primary + standby, the demo failover moves
 * {@code /actuator/health}'s active host to the promoted standby, new connections land there, and the
 * LISTEN connection follows.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@DirtiesContext // the embedded cluster can fail over once
class EmbeddedFailoverIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Autowired
    RestTestClient http;

    @Autowired
    EmbeddedCluster cluster;

    @Test
    void demoFailoverMovesTheActiveHostAndTheListener() {
        String primary = cluster.hosts().get(0);
        String standby = cluster.hosts().get(1);

        // before: health and a fresh connection both land on the primary, over TLS with SCRAM
        await().atMost(DEADLINE).untilAsserted(() -> http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.pgConn.details.activeHost").isEqualTo(primary)
                .jsonPath("$.components.pgConn.details.role").isEqualTo("primary"));
        http.get().uri("/api/server").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.host").isEqualTo(primary)
                .jsonPath("$.role").isEqualTo("primary")
                .jsonPath("$.inRecovery").isEqualTo(false)
                .jsonPath("$.user").isEqualTo(cluster.user())
                .jsonPath("$.database").isEqualTo(cluster.database())
                .jsonPath("$.tls.enabled").isEqualTo(true)
                .jsonPath("$.tls.cipher").isNotEmpty()
                .jsonPath("$.authMethod").value(String.class, m -> assertThat(m).startsWith("scram-sha-256"));
        notifyAndExpect("before the failover");

        // the demo failover: primary stopped like a crash, standby promoted
        http.post().uri("/api/demo/failover").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stoppedPrimary").isEqualTo(primary)
                .jsonPath("$.promotedStandby").isEqualTo(standby);

        // after: health reports the promoted standby as the active primary, and the old one as down
        await().atMost(DEADLINE).untilAsserted(() -> http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.pgConn.details.activeHost").isEqualTo(standby)
                .jsonPath("$.components.pgConn.details.role").isEqualTo("primary")
                .jsonPath("$.components.pgConn.details.failovers").isEqualTo(1)
                .jsonPath("$.components.pgConn.details.lastFailoverAt").isNotEmpty()
                // a few words and the host, not Netty's socket text (that is in the log)
                .jsonPath("$.components.pgConn.details.hosts['" + primary + "'].lastError")
                .isEqualTo("connection refused (" + primary + ")"));
        http.get().uri("/actuator/metrics").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.names").value(java.util.List.class, names -> assertThat(names)
                        .contains("pg.conn.connections.active", "pg.conn.failovers", "pg.conn.connect"));
        http.get().uri("/actuator/metrics/pg.conn.failovers?tag=name:pgConnectionFactory").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.measurements[0].value").isEqualTo(1.0);
        http.get().uri("/api/server").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.host").isEqualTo(standby)
                .jsonPath("$.role").isEqualTo("primary")
                .jsonPath("$.inRecovery").isEqualTo(false);
        http.get().uri("/api/hosts").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].host").isEqualTo(primary)
                .jsonPath("$[0].status").isEqualTo("down")
                .jsonPath("$[0].lastError").isNotEmpty()
                .jsonPath("$[1].host").isEqualTo(standby)
                .jsonPath("$[1].status").isEqualTo("up")
                .jsonPath("$[1].role").isEqualTo("primary");

        // the LISTEN connection re-connected to the new primary and still receives
        await().atMost(DEADLINE).untilAsserted(() -> http.get().uri("/api/notifications").exchange()
                .expectBody().jsonPath("$.listeningOn").isEqualTo(standby));
        notifyAndExpect("after the failover");

        // one failover per run: the old primary cannot rejoin without pg_rewind
        http.post().uri("/api/demo/failover").exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody()
                .jsonPath("$.detail").value(String.class, d -> assertThat(d).contains("pg_rewind"));
        http.get().uri("/api/demo").exchange()
                .expectBody()
                .jsonPath("$.failoverAvailable").isEqualTo(false)
                .jsonPath("$.lastFailover.promotedStandby").isEqualTo(standby);
    }

    private void notifyAndExpect(String message) {
        // the LISTEN is opened asynchronously at start-up: wait until it is in place before sending
        await().atMost(DEADLINE).untilAsserted(() -> http.get().uri("/api/notifications").exchange()
                .expectBody().jsonPath("$.listeningOn").isNotEmpty());
        http.post().uri("/api/notify").body(Map.of("message", message)).exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.message").isEqualTo(message);
        await().atMost(DEADLINE).untilAsserted(() -> http.get().uri("/api/notifications").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.notifications[*].payload")
                .value(new ParameterizedTypeReference<List<String>>() { },
                        payloads -> assertThat(payloads).contains(message)));
    }
}
