package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories;
import io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactoriesAccess;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pgConnRuntime} aggregate (new user 23 F3): one tenant without a host is named and leaves it {@code UP};
 * {@code DOWN} only when every registered factory is without one; nothing registered is {@code UP} with a count of 0.
 */
class PgConnRuntimeHealthIndicatorTest {

    private final List<PgConnectionFactory> factories = new ArrayList<>();

    private final PgConnRuntimeFactories runtime = PgConnRuntimeFactoriesAccess.create();

    private final PgConnRuntimeHealthIndicator health = new PgConnRuntimeHealthIndicator(this.runtime, pool -> Map.of());

    @AfterEach
    void close() {
        this.factories.forEach(PgConnectionFactory::close);
    }

    @Test
    void nothingRegisteredIsUpWithNone() {
        Health health = this.health.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("count", 0).doesNotContainKey("withoutHost");
    }

    @Test
    void oneTenantWithoutAHostIsNamedAndLeavesItUp() {
        this.runtime.register("tenant-down", refusedOnce());
        this.runtime.register("tenant-new", factory(StarterCluster.refusedPort()));
        Health health = this.health.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("count", 2).containsEntry("withoutHost", List.of("tenant-down"));
        assertThat(health.getDetails().get("factories").toString()).contains("tenant-down", "tenant-new", "down: ", "unknown");
    }

    @Test
    void everyTenantWithoutAHostIsDown() {
        this.runtime.register("tenant-a", refusedOnce());
        this.runtime.register("tenant-b", refusedOnce());
        Health health = this.health.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("withoutHost", List.of("tenant-a", "tenant-b"));
    }

    /** A factory whose one host refused a connect: its memory holds it down. */
    private PgConnectionFactory refusedOnce() {
        PgConnectionFactory factory = factory(StarterCluster.refusedPort());
        assertThat(factory.connect()).failsWithin(Duration.ofSeconds(10));
        return factory;
    }

    private PgConnectionFactory factory(int port) {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1 port=" + port
                + " user=u dbname=d connect_timeout=5", EnvironmentSource.of(Map.of()))).threads(1).build();
        this.factories.add(factory);
        return factory;
    }
}
