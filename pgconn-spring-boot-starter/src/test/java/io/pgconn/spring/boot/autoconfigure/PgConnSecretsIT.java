package io.pgconn.spring.boot.autoconfigure;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.testkit.ClientCertificate;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every secret the starter is given stays out of everything it shows: the login password
 * ({@code pg.conn.password}), a second password inside {@code pg.conn.url} (overridden by the first),
 * the client key's password ({@code pg.conn.ssl.key-password}, a real encrypted key), and a wrong
 * password tried against the server. Checked after successful and failing connects (wrong password,
 * refused port, unknown host) in: the whole log at DEBUG (TRACE for pgconn), exception messages,
 * stack traces and {@code toString}s, health UP and DOWN, {@code /actuator/configprops} and
 * {@code /actuator/env} with {@code show-values=always}, every meter's tags, and every
 * observation's key values and error.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(PgConnSecretsIT.ObservationConfiguration.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health,configprops,env,metrics",
        "management.endpoint.health.show-details=always",
        "management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
        "logging.level.root=DEBUG", "logging.level.io.pgconn=TRACE",
        "pg.conn.ssl.mode=verify-full", "pg.conn.channel-binding=require", "pg.conn.database=postgres",
        "pg.conn.connect-timeout=10s", "pg.conn.extension-types=" })
class PgConnSecretsIT {

    static final String USER = "secret_app";

    static final String PASSWORD = "Sentinel-Pw-4c1f9e";

    /** As a user writes it: '#' (libpq takes it as part of the password) and a percent-encoded '@'. */
    static final String URL_PASSWORD = "Sentinel#Url%408d2b7a";

    static final String KEY_PASSWORD = "Sentinel-Key-3e6a05";

    static final String WRONG_PASSWORD = "Sentinel-Wrong-91fd";

    /** Each password, the URL's also decoded and from its '#' on (what a parser stopping there would quote). */
    static final List<String> SECRETS = List.of(PASSWORD, URL_PASSWORD, "Sentinel#Url@8d2b7a", "Url%408d2b7a",
            "Url@8d2b7a", KEY_PASSWORD, WRONG_PASSWORD);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.tlsOnly("starter-secrets", USER, PASSWORD);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private PgConnectionFactory factory;

    @Autowired
    private PgConnProperties properties;

    @Autowired
    private PgConnConnectionDetails connectionDetails;

    @Autowired
    private MeterRegistry meterRegistry;

    @Autowired
    private StoppedObservations observations;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        ClientCertificate client = PG.tls().clientCertificate(USER);
        registry.add("pg.conn.url", () -> "postgresql://" + USER + ":" + URL_PASSWORD + "@localhost:" + PG.primary().port()
                + "/postgres?application_name=secrets-it");
        registry.add("pg.conn.password", () -> PASSWORD);
        registry.add("pg.conn.ssl.root-cert", () -> PG.tls().caCertificate().toString());
        registry.add("pg.conn.ssl.cert", () -> client.certificate().toString());
        registry.add("pg.conn.ssl.key", () -> client.keyPkcs8EncryptedPem(KEY_PASSWORD).toString());
        registry.add("pg.conn.ssl.key-password", () -> KEY_PASSWORD);
    }

    @Test
    void noSecretAnywhere(CapturedOutput output) throws Exception {
        List<String> shown = new ArrayList<>();

        PgConnection connection = this.factory.connect().get(30, TimeUnit.SECONDS);
        assertThat(connection.tlsProtocol()).as("connected with the encrypted client key").isPresent();
        assertThat(PG.primary().queryValue("SELECT client_dn FROM pg_stat_ssl WHERE pid = " + connection.processId()))
                .as("the encrypted key was used").contains(USER);
        shown.add(connection.toString());
        connection.close().get(10, TimeUnit.SECONDS);

        ConnConfig config = this.factory.config();
        shown.add(failure(this.factory.connect(config.toBuilder().password(WRONG_PASSWORD).build()), "password"));
        shown.add(failure(this.factory.connect(config.toBuilder()
                .hosts(HostSpec.of("127.0.0.1", StarterCluster.refusedPort())).build()), "refused"));
        shown.add(failure(this.factory.connect(config.toBuilder()
                .hosts(HostSpec.of("no-such-host.invalid", 5432)).build()), "no-such-host.invalid"));

        String up = get("/actuator/health");
        assertThat(pgConnStatus(up)).isEqualTo("UP");
        shown.add(up);
        String configprops = get("/actuator/configprops");
        assertThat(configprops).as("values are shown").contains("secrets-it").contains("\"pg.conn\"");
        shown.add(configprops);
        String env = get("/actuator/env");
        assertThat(env).contains("application_name=secrets-it").contains("pg.conn.ssl.key-password");
        shown.add(env);
        for (String key : List.of("pg.conn.password", "pg.conn.url", "pg.conn.ssl.key-password")) {
            shown.add(get("/actuator/env/" + key));
        }
        shown.add(get("/actuator/metrics"));

        shown.add(this.properties.toString());
        shown.add(this.connectionDetails.toString());
        shown.add(String.valueOf(this.connectionDetails.getTls()));
        shown.add(config.toString());
        shown.add(this.factory.toString());
        this.factory.hostStatuses().forEach(status -> shown.add(status.toString()));

        for (Meter meter : this.meterRegistry.getMeters()) {
            shown.add(meter.getId().toString());
        }
        assertThat(this.observations.contexts).extracting(Observation.Context::getName)
                .contains("pg.conn.connect", "pg.conn.connect.attempt");
        for (Observation.Context context : this.observations.contexts) {
            shown.add(context.toString());
            shown.add(String.valueOf(context.getLowCardinalityKeyValues()));
            shown.add(String.valueOf(context.getHighCardinalityKeyValues()));
            if (context.getError() != null) {
                shown.add(stackTrace(context.getError()));
            }
        }

        PG.primary().stop(StopMode.FAST);
        String down = pollHealth("DOWN");
        shown.add(down);
        shown.add(output.getAll());

        for (String text : shown) {
            for (String secret : SECRETS) {
                assertThat(text).as("no secret in %s", abbreviate(text)).doesNotContain(secret);
            }
        }
        assertThat(output.getAll()).as("DEBUG logging was on").contains("DEBUG");
    }

    /** The failure's message and full stack trace (causes, suppressed), after checking it names {@code expected}. */
    private static String failure(CompletableFuture<PgConnection> connect, String expected) throws InterruptedException {
        try {
            PgConnection unexpected = connect.get(30, TimeUnit.SECONDS);
            unexpected.close();
            return fail("connect succeeded");
        } catch (ExecutionException e) {
            String trace = stackTrace(e.getCause());
            assertThat(trace).containsIgnoringCase(expected);
            return trace;
        } catch (java.util.concurrent.TimeoutException e) {
            return fail("connect did not finish", e);
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private String pollHealth(String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = get("/actuator/health");
            if (status.equals(pgConnStatus(last))) {
                return last;
            }
            Thread.onSpinWait();
        }
        return fail("health not " + status + " within 30s: " + last);
    }

    private static String pgConnStatus(String health) {
        return com.jayway.jsonpath.JsonPath.read(health, "$.components.pgConn.status");
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ObservationConfiguration {

        @Bean
        StoppedObservations stoppedObservations() {
            return new StoppedObservations();
        }
    }
}
