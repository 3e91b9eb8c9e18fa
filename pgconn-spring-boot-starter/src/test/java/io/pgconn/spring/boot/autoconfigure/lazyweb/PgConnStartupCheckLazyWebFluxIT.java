package io.pgconn.spring.boot.autoconfigure.lazyweb;

import io.pgconn.spring.boot.autoconfigure.PgConnStartupCheckException;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code pg.conn.startup-check=fail} in a WebFlux application with {@code spring.main.lazy-initialization=true}
 * (closing note 11: "the check can run on a Reactor Netty thread at the first request", where pgconn refuses
 * a blocking wait). The pool is created at the first request, on a Reactor Netty event loop; the check is not:
 * Boot never makes a {@code SmartInitializingSingleton} lazy ({@code LazyInitializationBeanFactoryPostProcessor}),
 * so {@link io.pgconn.spring.boot.autoconfigure.PgConnStartupCheck} exists and has run on the starting thread
 * before the web server takes a request. The application starts and serves, and start-up fails as documented
 * when the database is unreachable.
 */
@ExtendWith(OutputCaptureExtension.class)
class PgConnStartupCheckLazyWebFluxIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-lazy-webflux", 0);

    private static SpringApplicationBuilder application(String hosts) {
        return new SpringApplicationBuilder(LazyWebFluxApplication.class).web(WebApplicationType.REACTIVE)
                .properties("spring.main.lazy-initialization=true", "server.port=0", "server.address=127.0.0.1",
                        "pg.conn.startup-check=fail", "pg.conn.hosts=" + hosts, "pg.conn.database=postgres",
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.ssl.mode=disable", "pg.conn.extension-types=", "pg.conn.connect-timeout=5s",
                        // the health endpoint would create the pool while singletons are: off, the first request does
                        "management.endpoint.health.access=none",
                        "logging.level.io.pgconn.spring.boot.autoconfigure.PgConnStartupCheck=debug");
    }

    @Test
    void aLazyWebFluxApplicationChecksBeforeTheServerStartsAndServesItsFirstRequestThroughThePoolOnTheLoop(CapturedOutput output)
            throws Exception {
        try (ConfigurableApplicationContext context = application(StarterCluster.label(PG.primary())).run()) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/answer"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("response %s", response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("42");
            String log = output.getOut();
            int checked = log.indexOf("pgconn start-up check: connected to " + StarterCluster.label(PG.primary()));
            assertThat(checked).as("the start-up check's connect in %s", log).isNotNegative();
            assertThat(checked).as("checked before the server started").isLessThan(log.indexOf("Netty started on port"));
            assertThat(log.substring(log.lastIndexOf('\n', checked) + 1, checked)).contains("[           main]");
            assertThat(LazyWebFluxApplication.poolCreatedOnAnEventLoop).as("pool created on %s", LazyWebFluxApplication.poolCreatedOn).isTrue();
        }
    }

    @Test
    void aLazyWebFluxApplicationFailsToStartWhenTheDatabaseIsUnreachable() {
        int port = StarterCluster.refusedPort();
        assertThatThrownBy(() -> application("127.0.0.1:" + port).run().close())
                .hasRootCauseInstanceOf(java.net.ConnectException.class)
                .satisfies(failure -> assertThat(causeOfType(failure)).as("PgConnStartupCheckException in %s", failure).isNotNull());
    }

    private static PgConnStartupCheckException causeOfType(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgConnStartupCheckException check) {
                return check;
            }
        }
        return null;
    }
}
