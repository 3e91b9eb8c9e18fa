package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Closing the application context closes every connection the factory handed out (the server
 * sees the backends go) and stops the factory: {@code connect()} afterwards fails at once. The
 * factory closes after the application's beans that depend on it, which can still use it as they go.
 */
class PgConnShutdownIT {

    private static final String APPLICATION_NAME = "starter-shutdown-it";

    private static final int CONNECTIONS = 5;

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-shutdown", 0);

    @Test
    void contextCloseLeavesNoBackendBehind() throws Exception {
        PgServer server = PG.primary();
        ConfigurableApplicationContext context = start(server);
        PgConnectionFactory factory = context.getBean(PgConnectionFactory.class);
        List<PgConnection> connections = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            connections.add(factory.connect().get());
        }
        assertThat(backends(server)).isEqualTo(CONNECTIONS);
        assertThat(factory.openConnections()).isEqualTo(CONNECTIONS);

        long start = System.nanoTime();
        context.close();
        System.out.printf("context close with %d open connections took %d ms%n", CONNECTIONS,
                (System.nanoTime() - start) / 1_000_000);

        assertThat(connections).allMatch(PgConnection::isClosed);
        assertThat(factory.isClosed()).isTrue();
        assertThat(factory.openConnections()).isZero();
        assertThat(factory.connect()).failsWithin(Duration.ofMillis(100))
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(PgClosedException.class);
        // the backend exits after reading Terminate: poll the server's view
        awaitBackends(server, null, 0);
    }

    @Test
    void connectionInUseIsClosedTooItsQueryFailsAndItsBackendEnds() throws Exception {
        PgServer server = PG.primary();
        ConfigurableApplicationContext context = start(server);
        PgConnection busy = context.getBean(PgConnectionFactory.class).connect().get();
        CompletableFuture<QueryResult> query = busy.simpleQuery("SELECT pg_sleep(60)");
        awaitBackends(server, "active", 1);
        context.close();
        assertThat(query).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("closed");
        assertThat(busy.isClosed()).isTrue();
        // close cancels the running statement, so the backend ends now rather than after pg_sleep's minute
        awaitBackends(server, null, 0);
    }

    /**
     * An application's bean using the factory in its destroy method (a last write, an UNLISTEN): Spring
     * destroys a bean before its dependencies, so the factory must still be open then. It was closed
     * first by a bean of its own, destroyed before the application's beans made before it.
     */
    @Test
    void aBeanUsingTheFactoryAsItIsDestroyedStillCan() throws Exception {
        PgServer server = PG.primary();
        ConfigurableApplicationContext context = start(server, LastWriteConfiguration.class);
        PgConnectionFactory factory = context.getBean(PgConnectionFactory.class);
        context.close();
        assertThat(LastWrite.OUTCOME.get()).as("the last write at the bean's destruction").isEqualTo("bye");
        assertThat(factory.isClosed()).as("the factory, closed after the bean").isTrue();
        awaitBackends(server, null, 0);
    }

    @Configuration(proxyBeanMethods = false)
    static class LastWriteConfiguration {

        @Bean
        LastWrite lastWrite(PgConnectionFactory factory) {
            return new LastWrite(factory);
        }
    }

    /** Writes once more as the context closes; what it got is in {@link #OUTCOME}. */
    static final class LastWrite implements DisposableBean {

        static final AtomicReference<Object> OUTCOME = new AtomicReference<>();

        private final PgConnectionFactory factory;

        LastWrite(PgConnectionFactory factory) {
            this.factory = factory;
        }

        @Override
        public void destroy() {
            try {
                PgConnection connection = this.factory.connect().get(10, TimeUnit.SECONDS);
                try {
                    QueryResult result = connection.simpleQuery("SELECT 'bye'").get(10, TimeUnit.SECONDS);
                    OUTCOME.set(result.rows().get(0).get(0));
                } finally {
                    connection.close();
                }
            } catch (Exception e) {
                OUTCOME.set(e);
            }
        }
    }

    private static ConfigurableApplicationContext start(PgServer server, Class<?>... configurations) {
        List<Class<?>> sources = new ArrayList<>(List.of(configurations));
        sources.add(TestApplication.class);
        return new SpringApplicationBuilder(sources.toArray(new Class<?>[0]))
                .web(WebApplicationType.NONE)
                .properties("pg.conn.hosts=" + StarterCluster.label(server), "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.database=postgres",
                        "pg.conn.ssl.mode=disable", "pg.conn.application-name=" + APPLICATION_NAME,
                        "pg.conn.shutdown-timeout=5s", "spring.main.banner-mode=off")
                .run();
    }

    private static void awaitBackends(PgServer server, String state, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backends(server, state) != expected) {
            if (System.nanoTime() > deadline) {
                fail("expected " + expected + " backends" + (state == null ? "" : " in state " + state) + " within 10s, saw "
                        + backends(server, state));
            }
            Thread.onSpinWait();
        }
    }

    private static int backends(PgServer server, String state) {
        return Integer.parseInt(server.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                + APPLICATION_NAME + "'" + (state == null ? "" : " AND state = '" + state + "'")));
    }

    private static int backends(PgServer server) {
        return backends(server, null);
    }
}
