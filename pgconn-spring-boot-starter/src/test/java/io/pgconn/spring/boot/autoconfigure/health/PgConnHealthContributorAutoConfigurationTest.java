package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.Map;

import static io.pgconn.spring.boot.autoconfigure.health.HealthTestSupport.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;

class PgConnHealthContributorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnHealthContributorAutoConfiguration.class))
            // a host (PGHOST, which url and hosts override) and no start-up connect: these tests are about beans
            .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none");

    @Test
    void registersPgConnIndicator() {
        this.runner.run(context -> assertThat(context).hasSingleBean(PgConnHealthIndicator.class)
                .hasBean("pgConnHealthContributor"));
    }

    @Test
    void absentWhenDisabled() {
        this.runner.withPropertyValues("management.health.pgconn.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PgConnHealthIndicator.class));
    }

    @Test
    void absentWhenDefaultsDisabled() {
        this.runner.withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PgConnHealthIndicator.class));
    }

    @Test
    void absentWithoutHealthSupport() {
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).doesNotHaveBean(PgConnHealthIndicator.class)
                        .hasSingleBean(PgConnectionFactory.class));
    }

    @Test
    void absentWithoutFactory() {
        this.runner.withClassLoader(new FilteredClassLoader(PgConnectionFactory.class))
                .run(context -> assertThat(context).doesNotHaveBean(PgConnHealthIndicator.class));
    }

    @Test
    void userIndicatorWins() {
        this.runner.withBean("pgConnHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
                .run(context -> assertThat(context).doesNotHaveBean(PgConnHealthIndicator.class));
    }

    @Test
    void userContributorNamedLikeBootsWins() {
        this.runner.withBean("pgConnHealthContributor", HealthIndicator.class, () -> () -> Health.up().build())
                .run(context -> assertThat(context).doesNotHaveBean(PgConnHealthIndicator.class));
    }

    @Test
    void oneIndicatorPerFactoryBeanNamedAfterIt() {
        int orders = refusedPort();
        int billing = refusedPort();
        this.runner.withPropertyValues("management.health.pgconn.timeout=3s")
                .withBean("orders", PgConnectionFactory.class, () -> PgConnectionFactory.create(io.pgconn.config.ConnConfig
                        .builder().hosts(io.pgconn.config.HostSpec.of("127.0.0.1", orders)).build()), d -> d.setDestroyMethodName("close"))
                .withBean("billing", PgConnectionFactory.class, () -> PgConnectionFactory.create(io.pgconn.config.ConnConfig
                        .builder().hosts(io.pgconn.config.HostSpec.of("127.0.0.1", billing)).build()), d -> d.setDestroyMethodName("close"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("pgConnHealthContributor");
                    CompositeHealthContributor composite = context.getBean("pgConnHealthContributor", CompositeHealthContributor.class);
                    assertThat(composite.stream().map(HealthContributors.Entry::name)).containsExactlyInAnyOrder("orders", "billing");
                    Health health = ((HealthIndicator) composite.getContributor("billing")).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("hosts")).asString().contains("127.0.0.1:" + billing)
                            .doesNotContain("127.0.0.1:" + orders);
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void downWithEachHostsReasonWhenNothingAnswers() {
        int port1 = refusedPort();
        int port2 = refusedPort();
        this.runner.withPropertyValues("pg.conn.hosts=127.0.0.1:" + port1 + ",127.0.0.1:" + port2,
                        "pg.conn.ssl.mode=disable", "pg.conn.username=app", "pg.conn.password=hunter2",
                        "pg.conn.target-session-attrs=read-write", "management.health.pgconn.timeout=3s")
                .run(context -> {
                    Health health = context.getBean(PgConnHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("targetSessionAttrs", "read-write")
                            .containsEntry("failovers", 0L).containsKey("error").doesNotContainKey("activeHost");
                    Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) health.getDetails().get("hosts");
                    assertThat(hosts).containsOnlyKeys("127.0.0.1:" + port1, "127.0.0.1:" + port2);
                    assertThat(hosts.values()).allSatisfy(host -> {
                        assertThat(host).containsEntry("status", "down").containsKeys("lastCheckedAt", "lastError");
                        assertThat((String) host.get("lastError")).containsIgnoringCase("refused");
                    });
                    assertThat(health.toString()).doesNotContain("hunter2");
                });
    }
}
