package io.pgconn.spring.boot.autoconfigure.testcontainers;

import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.util.List;

/**
 * Makes {@code @ServiceConnection} on a Testcontainers {@link PostgreSQLContainer} provide
 * {@link PgConnConnectionDetails}: the container's mapped host and port, database, user and
 * password. TLS stays as {@code pg.conn.ssl.*} says (the stock image serves plaintext).
 */
class PgConnContainerConnectionDetailsFactory
        extends ContainerConnectionDetailsFactory<PostgreSQLContainer, PgConnConnectionDetails> {

    PgConnContainerConnectionDetailsFactory() {
        super(ANY_CONNECTION_NAME, "io.pgconn.PgConnectionFactory");
    }

    @Override
    protected PgConnConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<PostgreSQLContainer> source) {
        return new PostgreSQLContainerConnectionDetails(source);
    }

    static final class PostgreSQLContainerConnectionDetails extends ContainerConnectionDetails<PostgreSQLContainer>
            implements PgConnConnectionDetails {

        PostgreSQLContainerConnectionDetails(ContainerConnectionSource<PostgreSQLContainer> source) {
            super(source);
        }

        @Override
        public List<HostSpec> getHosts() {
            PostgreSQLContainer container = getContainer();
            return List.of(HostSpec.of(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)));
        }

        @Override
        public String getDatabase() {
            return getContainer().getDatabaseName();
        }

        @Override
        public String getUsername() {
            return getContainer().getUsername();
        }

        @Override
        public String getPassword() {
            return getContainer().getPassword();
        }
    }
}
