package io.pgconn.spring.boot.autoconfigure.testcontainers;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection} on Testcontainers' PostgreSQL container feeds the factory: no
 * {@code pg.conn.*} needed. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PgConnServiceConnectionIT {

    @Container
    @ServiceConnection
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17-alpine");

    @Autowired
    private PgConnConnectionDetails connectionDetails;

    @Autowired
    private PgConnectionFactory factory;

    @Test
    void factoryConnectsToTheContainer() throws Exception {
        assertThat(this.connectionDetails.getUsername()).isEqualTo(POSTGRES.getUsername());
        assertThat(this.connectionDetails.getHosts().get(0).port()).isEqualTo(POSTGRES.getFirstMappedPort());
        PgConnection connection = this.factory.connect().get(30, TimeUnit.SECONDS);
        try {
            assertThat(connection.simpleQuery("SELECT current_database()").get(10, TimeUnit.SECONDS).singleValue())
                    .isEqualTo(POSTGRES.getDatabaseName());
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
