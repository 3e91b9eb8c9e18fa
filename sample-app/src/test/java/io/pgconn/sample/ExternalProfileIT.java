package io.pgconn.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgconn.sample.embedded.EmbeddedCluster;
import io.pgconn.sample.embedded.EmbeddedClusterStartup;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The {@code external} profile: no embedded cluster, no demo failover, {@code pg.conn.*} points at
 * servers of your own — here a primary + standby this test starts, listed standby first, so
 * {@code target-session-attrs: read-write} has to skip it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("external")
@AutoConfigureRestTestClient
@DirtiesContext // the servers below stop after this class
class ExternalProfileIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .tls()
            .user(PgUser.scram("app", "external-secret").allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE app OWNER app")
            .standbys(1)
            .build();

    @DynamicPropertySource
    static void pointAtOurServers(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts[0]", () -> "localhost:" + PG.standby(0).port());
        registry.add("pg.conn.hosts[1]", () -> "localhost:" + PG.primary().port());
        registry.add("pg.conn.password", () -> PG.cluster().password("app"));
        registry.add("pg.conn.ssl.root-cert", () -> PG.tls().caCertificate().toString());
    }

    @Autowired
    RestTestClient http;

    @Test
    void runsOnTheConfiguredServersWithoutEmbeddedClusterOrDemo(@Autowired ObjectProvider<EmbeddedCluster> embedded,
            @Autowired ObjectProvider<EmbeddedClusterStartup> startup) {
        assertThat(embedded.getIfAvailable()).isNull();
        assertThat(startup.getIfAvailable()).as("nothing started early either").isNull();
        http.get().uri("/api/demo").exchange().expectStatus().isNotFound();
        http.post().uri("/api/demo/failover").exchange().expectStatus().isNotFound();
    }

    @Test
    void readWriteSkipsTheStandbyListedFirst() {
        String standby = "localhost:" + PG.standby(0).port();
        String primary = "localhost:" + PG.primary().port();
        http.get().uri("/api/server").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.host").isEqualTo(primary)
                .jsonPath("$.role").isEqualTo("primary")
                .jsonPath("$.tls.enabled").isEqualTo(true)
                .jsonPath("$.authMethod").value(String.class, m -> assertThat(m).startsWith("scram-sha-256"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.pgConn.details.activeHost").isEqualTo(primary));
        // Spring Data R2DBC on the pool: the note is written on the primary, listed second, and read back
        http.post().uri("/api/notes").body(Map.of("text", "on your servers")).exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.host").isEqualTo(primary)
                .jsonPath("$.text").isEqualTo("on your servers")
                .jsonPath("$.id").isNotEmpty()
                .jsonPath("$.createdAt").isNotEmpty();
        http.get().uri("/api/notes").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].text").isEqualTo("on your servers")
                .jsonPath("$[0].host").isEqualTo(primary);
        http.post().uri("/api/notes").body(Map.of("text", " ")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(String.class, d -> assertThat(d).contains("1 to 200 characters"));
        http.get().uri("/api/writes").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.enabled").isEqualTo(false)
                .jsonPath("$.succeeded").isEqualTo(0);
        http.get().uri("/api/hosts").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].host").isEqualTo(standby)
                .jsonPath("$[0].status").isEqualTo("up")
                .jsonPath("$[0].role").isEqualTo("standby")
                .jsonPath("$[1].host").isEqualTo(primary)
                .jsonPath("$[1].role").isEqualTo("primary");
    }
}
