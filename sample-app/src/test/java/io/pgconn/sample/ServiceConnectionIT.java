package io.pgconn.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same application on a PostgreSQL container: {@code @ServiceConnection} turns the container into
 * the factory's connection details. Needs Docker; skipped where there is none (the embedded and
 * external-profile tests cover the application without it).
 */
@SpringBootTest(properties = {
        "sample.embedded-cluster.enabled=false",
        // the container's server has no certificate: no TLS, so no channel binding either
        "pg.conn.ssl.mode=disable",
        "pg.conn.channel-binding=disable"})
@Testcontainers(disabledWithoutDocker = true)
class ServiceConnectionIT {

    @Container
    @ServiceConnection
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:18-alpine");

    @Autowired
    PgConnectionFactory factory;

    @Test
    void connectsToTheContainer() throws Exception {
        PgConnection connection = factory.connect().get(30, TimeUnit.SECONDS);
        try {
            assertThat(connection.simpleQuery("SELECT current_user").get(10, TimeUnit.SECONDS)
                    .singleValue()).isEqualTo(POSTGRES.getUsername());
            assertThat(connection.role().label()).isEqualTo("primary");
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
