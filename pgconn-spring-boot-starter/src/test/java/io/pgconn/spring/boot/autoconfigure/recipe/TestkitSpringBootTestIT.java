package io.pgconn.spring.boot.autoconfigure.recipe;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe of docs/testing.md §5 and the starter README's "Testing", as it is written there (a new
 * user's F3: no doc said how to test an application with the testkit): a real PostgreSQL from
 * {@code pgconn-testkit} in a static {@code @RegisterExtension}, {@code pg.conn.url} and the
 * credentials from {@code @DynamicPropertySource}. {@code TestingRecipeDocsTest} keeps the docs'
 * snippet and this class the same.
 */
@SpringBootTest
@DirtiesContext // the server stops after this class: no later test class may reuse this context
class TestkitSpringBootTestIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .user(PgUser.scram("app", "app-secret").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE app OWNER app")
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.url", () -> "postgresql://" + PG.primary().host() + ":" + PG.primary().port() + "/app");
        registry.add("pg.conn.username", () -> "app");
        registry.add("pg.conn.password", () -> "app-secret");
    }

    @Autowired
    PgConnectionFactory factory;

    @Test
    void connectsToTheTestkitServer() throws Exception {
        PgConnection connection = factory.connect().get(30, TimeUnit.SECONDS);
        try {
            String who = connection.query("SELECT current_user || '@' || current_database()")
                    .get(30, TimeUnit.SECONDS).single(String.class);
            assertThat(who).isEqualTo("app@app");
        } finally {
            connection.close().get(30, TimeUnit.SECONDS);
        }
    }
}
