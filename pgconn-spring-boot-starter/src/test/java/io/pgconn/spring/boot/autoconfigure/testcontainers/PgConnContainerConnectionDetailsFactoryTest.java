package io.pgconn.spring.boot.autoconfigure.testcontainers;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.testcontainers.postgresql.PostgreSQLContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @ServiceConnection} path without a Docker engine: Boot's own registrar finds the
 * container bean, looks our factory up through {@code spring.factories} and registers the
 * details it makes, which replace the properties and feed the factory's {@link ConnConfig}.
 * The container is never started: the three methods that would ask Docker ({@code isRunning},
 * {@code getHost}, {@code getMappedPort}) answer from the test, so Boot does not try to start it.
 * {@link PgConnServiceConnectionIT} covers a running container.
 */
class PgConnContainerConnectionDetailsFactoryTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class, PgConnAutoConfiguration.class))
            // a host (PGHOST, which url and hosts override) and no start-up connect: these tests are about beans
            .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none");

    @Test
    void containerBeanWithServiceConnectionProvidesTheDetails() {
        this.runner.withUserConfiguration(ContainerConfiguration.class)
                .withPropertyValues("pg.conn.hosts=from-properties:1", "pg.conn.username=ignored",
                        "pg.conn.target-session-attrs=read-write")
                .run(context -> {
                    assertThat(context).hasSingleBean(PgConnConnectionDetails.class);
                    PgConnConnectionDetails details = context.getBean(PgConnConnectionDetails.class);
                    assertThat(details).isInstanceOf(PgConnContainerConnectionDetailsFactory.PostgreSQLContainerConnectionDetails.class);
                    assertThat(details.getHosts()).containsExactly(HostSpec.of("docker-host.example", 49153));
                    assertThat(details.getDatabase()).isEqualTo("orders");
                    assertThat(details.getUsername()).isEqualTo("orders_app");
                    assertThat(details.getPassword()).isEqualTo("container-pw");

                    ConnConfig config = context.getBean(PgConnectionFactory.class).config();
                    assertThat(config.hosts()).containsExactly(HostSpec.of("docker-host.example", 49153));
                    assertThat(config.database()).isEqualTo("orders");
                    assertThat(config.user()).isEqualTo("orders_app");
                    assertThat(config.password()).isEqualTo("container-pw");
                    assertThat(config.targetSessionAttrs().libpqName()).as("behaviour still from pg.conn.*")
                            .isEqualTo("read-write");
                });
    }

    @Test
    void withoutServiceConnectionThePropertiesStay() {
        this.runner.withUserConfiguration(PlainContainerConfiguration.class)
                .withPropertyValues("pg.conn.hosts=from-properties:6432")
                .run(context -> assertThat(context.getBean(PgConnectionFactory.class).config().hosts())
                        .containsExactly(HostSpec.of("from-properties", 6432)));
    }

    /** Answers the Docker-bound methods itself; everything else is Testcontainers' own code. */
    static class UnstartedPostgreSQLContainer extends PostgreSQLContainer {

        /** Boot starts a container that is not running before handing it to the details. */
        @Override
        public boolean isRunning() {
            return true;
        }

        UnstartedPostgreSQLContainer() {
            super("postgres:17-alpine");
            withDatabaseName("orders").withUsername("orders_app").withPassword("container-pw");
        }

        @Override
        public String getHost() {
            return "docker-host.example";
        }

        @Override
        public Integer getMappedPort(int originalPort) {
            assertThat(originalPort).isEqualTo(POSTGRESQL_PORT);
            return 49153;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ContainerConfiguration {

        @Bean
        @ServiceConnection
        UnstartedPostgreSQLContainer postgres() {
            return new UnstartedPostgreSQLContainer();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PlainContainerConfiguration {

        @Bean
        UnstartedPostgreSQLContainer postgres() {
            return new UnstartedPostgreSQLContainer();
        }
    }
}
