package io.pgconn.spring.boot.autoconfigure.docker;

import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;

import java.util.List;
import java.util.Map;

/**
 * Makes a {@code postgres} (or {@code bitnami/postgresql}) service of Boot's Docker Compose support
 * provide {@link PgConnConnectionDetails}: the service's host and mapped port 5432, and the user,
 * password and database its environment gives the image. TLS stays as {@code pg.conn.ssl.*} says
 * (the stock images serve plaintext).
 */
class PgConnDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<PgConnConnectionDetails> {

    private static final int POSTGRES_PORT = 5432;

    PgConnDockerComposeConnectionDetailsFactory() {
        super(new String[] { "postgres", "bitnami/postgresql" }, "io.pgconn.PgConnectionFactory");
    }

    @Override
    protected PgConnConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
        return new PostgresServiceConnectionDetails(source.getRunningService());
    }

    static final class PostgresServiceConnectionDetails extends DockerComposeConnectionDetails implements PgConnConnectionDetails {

        private final HostSpec host;

        private final String username;

        private final @Nullable String password;

        private final String database;

        PostgresServiceConnectionDetails(RunningService service) {
            super(service);
            Map<String, String> env = service.env();
            this.host = HostSpec.of(service.host(), service.ports().get(POSTGRES_PORT));
            // the images' own variables and defaults: postgres's POSTGRES_*, bitnami's POSTGRESQL_*
            this.username = first(env, "POSTGRES_USER", "POSTGRESQL_USER", "POSTGRESQL_USERNAME", "postgres");
            this.password = trust(env) ? null : first(env, "POSTGRES_PASSWORD", "POSTGRESQL_PASSWORD", null, null);
            this.database = first(env, "POSTGRES_DB", "POSTGRESQL_DB", "POSTGRESQL_DATABASE", this.username);
        }

        private static boolean trust(Map<String, String> env) {
            return "trust".equals(env.get("POSTGRES_HOST_AUTH_METHOD")) || "yes".equals(env.get("ALLOW_EMPTY_PASSWORD"));
        }

        private static String first(Map<String, String> env, String name, String other, @Nullable String third,
                String fallback) {
            for (String key : new String[] { name, other, third }) {
                if (key != null && env.get(key) != null) {
                    return env.get(key);
                }
            }
            return fallback;
        }

        @Override
        public List<HostSpec> getHosts() {
            return List.of(this.host);
        }

        @Override
        public String getDatabase() {
            return this.database;
        }

        @Override
        public String getUsername() {
            return this.username;
        }

        @Override
        public @Nullable String getPassword() {
            return this.password;
        }

        @Override
        public String toString() {
            return "PostgresServiceConnectionDetails[host=" + this.host + ", database=" + this.database + ", username="
                    + this.username + "]";
        }
    }
}
