package io.pgconn.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.pgconn.sample.embedded.EmbeddedCluster;
import io.pgconn.sample.notes.WriteLoad;
import io.pgconn.sample.notes.WrittenNote;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
 * {@code /actuator/health}'s active host to the promoted standby, new connections land there, the
 * LISTEN connection follows, and writes through Spring Data R2DBC (the background write load and
 * {@code POST /api/notes}) continue on the new primary: none refused by a read-only server, none
 * failed once the first write landed there.
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
                .jsonPath("$.components.pgConn.details.role").isEqualTo("primary")
                .jsonPath("$.components.pgConn.details.pools.connectionFactory.max").isEqualTo(10)
                .jsonPath("$.components.r2dbc").doesNotExist()); // off: it would acquire through the pool
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
                .jsonPath("$.authMethod").value(String.class, m -> assertThat(m).startsWith("scram-sha-256"))
                // pg_stat_activity names the service: the starter defaults it to spring.application.name
                .jsonPath("$.applicationName").isEqualTo("pgconn-sample");
        notifyAndExpect("before the failover");

        // Spring Data R2DBC on the pool: a note written and read back on the primary; the write load runs there
        WrittenNote before = writeNote("before the failover");
        assertThat(before.host()).isEqualTo(primary);
        await().atMost(DEADLINE).until(() -> writes().byHost().getOrDefault(primary, 0L) > 0);

        // the demo failover: primary stopped like a crash, standby promoted
        http.post().uri("/api/demo/failover").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stoppedPrimary").isEqualTo(primary)
                .jsonPath("$.promotedStandby").isEqualTo(standby);

        // after: health reports the promoted standby as the active primary, and the old one as down;
        // every report on the way agrees with itself (the write load's connects see the new primary
        // before the monitors do: they once moved the count ahead of activeHost, and back and forth)
        DocumentContext moved = pollHealthUntil(h -> {
            Map<String, Object> details = h.read("$.components.pgConn.details");
            Object active = details.get("activeHost"); // none while no host is a primary (DOWN)
            Object failovers = details.get("failovers");
            if (primary.equals(active)) {
                assertThat(failovers).as("failovers next to the old primary: " + h.jsonString()).isEqualTo(0);
            } else if (standby.equals(active)) {
                assertThat(failovers).as("failovers next to the promoted standby: " + h.jsonString()).isEqualTo(1);
            }
            return standby.equals(active);
        });
        assertThat(moved.read("$.components.pgConn.details.role", String.class)).isEqualTo("primary");
        assertThat(moved.read("$.components.pgConn.details.lastFailoverAt", String.class)).isNotEmpty();
        // a few words and the host, not Netty's socket text (that is in the log)
        await().atMost(DEADLINE).untilAsserted(() -> http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
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
        // what moved: the writes, from the old primary to the promoted one (NEW-USER-31 F4)
        http.get().uri("/actuator/metrics/pg.conn.failovers?tag=name:pgConnectionFactory&tag=kind:primary-to-primary").exchange()
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

        // writes continue on the new primary: the load's next writes land there, none is sent to a read-only server
        await().atMost(DEADLINE).until(() -> writes().byHost().getOrDefault(standby, 0L) > 0);
        WriteLoad.Stats resumed = writes();
        System.out.println("write load when writes resumed on the new primary: " + resumed);
        await().atMost(DEADLINE).until(() -> writes().byHost().getOrDefault(standby, 0L)
                >= resumed.byHost().get(standby) + 10);
        WriteLoad.Stats after = writes();
        assertThat(after.readOnlyRefusals()).as("writes refused by a read-only server (25006)").isZero();
        assertThat(after.failed()).as("no write failed once writes landed on the new primary: " + after.failures())
                .isEqualTo(resumed.failed());
        assertThat(after.byHost().get(primary)).as("nothing more landed on the stopped primary")
                .isEqualTo(resumed.byHost().get(primary));
        assertThat(after.lastHost()).isEqualTo(standby);
        System.out.println("pgConn health after the failover: " + http.get().uri("/actuator/health/pgConn").exchange()
                .expectBody(String.class).returnResult().getResponseBody());
        WrittenNote afterNote = writeNote("after the failover");
        assertThat(afterNote.host()).isEqualTo(standby);
        assertThat(http.get().uri("/api/notes").exchange().expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<List<WrittenNote>>() { }).returnResult().getResponseBody())
                .as("the ten newest notes, read on the new primary")
                .extracting(WrittenNote::id).contains(afterNote.id());
        assertThat(http.get().uri("/api/notes/" + before.id()).exchange().expectStatus().isOk()
                .expectBody(WrittenNote.class).returnResult().getResponseBody())
                .as("the note written on the old primary, replicated and read back on the new one").isEqualTo(before);

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

    /** Polls {@code /actuator/health} until {@code condition} holds (it may assert on every report). */
    private DocumentContext pollHealthUntil(Predicate<DocumentContext> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        DocumentContext last = null;
        while (System.nanoTime() < deadline) {
            last = JsonPath.parse(http.get().uri("/actuator/health").exchange()
                    .expectBody(String.class).returnResult().getResponseBody());
            if (condition.test(last)) {
                return last;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("health did not get there within " + DEADLINE + "; last: "
                + (last == null ? null : last.jsonString()));
    }

    private WrittenNote writeNote(String text) {
        return http.post().uri("/api/notes").body(Map.of("text", text)).exchange()
                .expectStatus().isCreated()
                .expectBody(WrittenNote.class).returnResult().getResponseBody();
    }

    private WriteLoad.Stats writes() {
        return http.get().uri("/api/writes").exchange().expectStatus().isOk()
                .expectBody(WriteLoad.Stats.class).returnResult().getResponseBody();
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
