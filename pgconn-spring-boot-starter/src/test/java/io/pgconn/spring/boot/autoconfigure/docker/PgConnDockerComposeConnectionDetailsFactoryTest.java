package io.pgconn.spring.boot.autoconfigure.docker;

import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSources;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker Compose service connection for a {@code postgres} service, on a {@code RunningService}
 * made here (no Docker): registered in {@code spring.factories}, matched by image, details from the
 * mapped port and the image's environment.
 */
class PgConnDockerComposeConnectionDetailsFactoryTest {

    private static RunningService service(String image, Map<String, String> env) {
        return new RunningService() {
            @Override
            public String name() {
                return "db";
            }

            @Override
            public ImageReference image() {
                return ImageReference.of(image);
            }

            @Override
            public String host() {
                return "docker.local";
            }

            @Override
            public ConnectionPorts ports() {
                return new ConnectionPorts() {
                    @Override
                    public int get(int containerPort) {
                        assertThat(containerPort).isEqualTo(5432);
                        return 54321;
                    }

                    @Override
                    public List<Integer> getAll() {
                        return List.of(54321);
                    }

                    @Override
                    public List<Integer> getAll(String protocol) {
                        return List.of(54321);
                    }
                };
            }

            @Override
            public Map<String, String> env() {
                return env;
            }

            @Override
            public Map<String, String> labels() {
                return Map.of();
            }
        };
    }

    private static PgConnConnectionDetails details(RunningService service) {
        return new PgConnDockerComposeConnectionDetailsFactory()
                .getConnectionDetails(DockerComposeConnectionSources.of(service));
    }

    @Test
    void postgresServiceGivesHostPortAndCredentials() {
        PgConnConnectionDetails details = details(service("postgres:17-alpine",
                Map.of("POSTGRES_USER", "orders", "POSTGRES_PASSWORD", "secret", "POSTGRES_DB", "ordersdb")));
        assertThat(details.getHosts()).containsExactly(HostSpec.of("docker.local", 54321));
        assertThat(details.getUsername()).isEqualTo("orders");
        assertThat(details.getPassword()).isEqualTo("secret");
        assertThat(details.getDatabase()).isEqualTo("ordersdb");
        assertThat(details.toString()).doesNotContain("secret");
    }

    @Test
    void imageDefaultsApplyWhenTheEnvironmentIsSilent() {
        PgConnConnectionDetails details = details(service("postgres", Map.of("POSTGRES_PASSWORD", "secret")));
        assertThat(details.getUsername()).isEqualTo("postgres");
        assertThat(details.getDatabase()).isEqualTo("postgres");
    }

    @Test
    void trustAuthenticationMeansNoPassword() {
        PgConnConnectionDetails details = details(service("postgres",
                Map.of("POSTGRES_HOST_AUTH_METHOD", "trust", "POSTGRES_PASSWORD", "ignored")));
        assertThat(details.getPassword()).isNull();
    }

    @Test
    void bitnamiVariables() {
        PgConnConnectionDetails details = details(service("bitnami/postgresql:17",
                Map.of("POSTGRESQL_USERNAME", "app", "POSTGRESQL_PASSWORD", "pw", "POSTGRESQL_DATABASE", "appdb")));
        assertThat(details.getUsername()).isEqualTo("app");
        assertThat(details.getDatabase()).isEqualTo("appdb");
    }

    @Test
    void otherImagesAreNotMatched() {
        assertThat(details(service("redis:7", Map.of()))).isNull();
    }

    @Test
    void registeredAsAConnectionDetailsFactory() {
        Map<Class<?>, org.springframework.boot.autoconfigure.service.connection.ConnectionDetails> found =
                new ConnectionDetailsFactories(null).getConnectionDetails(DockerComposeConnectionSources.of(
                        service("postgres:17", Map.of("POSTGRES_PASSWORD", "secret"))), false);
        assertThat(found).containsKey(PgConnConnectionDetails.class);
    }
}
