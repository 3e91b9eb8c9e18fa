package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.r2dbc.PgConnPoolCreateRetry;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnFactoryBuilders;
import io.pgconn.spring.boot.autoconfigure.health.PgConnPoolDetails;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NEW-USER-19 F14: the starter README's recipe "reads on the standby, writes on the primary" over the same
 * {@code pg.conn.*} hosts. The second factory, pool and client are not default candidates, so the auto-configured
 * factory, pool (and with them Spring Data's client, transactions and repositories) stay; the second factory's
 * {@code ConnConfig} is the auto-configured one's with another {@code target_session_attrs} (no connect: beans only),
 * its builder the starter's {@link PgConnFactoryBuilders} (SSL bundle, codecs, tracers: ReadsOnTheStandbyRecipeTlsIT).
 */
class ReadsOnTheStandbyRecipeTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
                    PgConnR2dbcPoolDetailsAutoConfiguration.class))
            .withUserConfiguration(ReadsOnTheStandby.class)
            .withPropertyValues("pg.conn.hosts=db1.test.invalid:5432,db2.test.invalid:5432", "pg.conn.username=app",
                    "pg.conn.password=Recipe-s3cret", "pg.conn.database=shop", "pg.conn.target-session-attrs=read-write",
                    "pg.conn.startup-check=none");

    @Test
    void theAutoConfiguredFactoryAndPoolStayAndTheReadFactoryReusesTheirSettings() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            PgConnectionFactory writes = context.getBean(PgConnectionFactory.class);
            assertThat(context.getBeanNamesForType(PgConnectionFactory.class)).containsExactlyInAnyOrder("pgConnectionFactory", "readsPg");
            assertThat(writes).isSameAs(context.getBean("pgConnectionFactory"));
            assertThat(writes.config().targetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_WRITE);
            assertThat(context.getBean(ConnectionFactory.class)).as("the starter's pool, injected by type")
                    .isSameAs(context.getBean(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME));

            ConnConfig reads = context.getBean("readsPg", PgConnectionFactory.class).config();
            assertThat(reads.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PREFER_STANDBY);
            assertThat(reads.hosts()).isEqualTo(writes.config().hosts());
            assertThat(reads.user()).isEqualTo("app");
            assertThat(reads.database()).isEqualTo("shop");
            assertThat(reads.password()).isEqualTo(writes.config().password());
            assertThat(context.getBean("readsClient", DatabaseClient.class).getConnectionFactory())
                    .isSameAs(context.getBean("readsPool"));
            // the starter pool's pieces (new user 23 F5): the create retry within the acquire time under the pool
            assertThat(context.getBean("readsPool", ConnectionPool.class).unwrap()).isInstanceOf(PgConnPoolCreateRetry.class);
            assertThat(context.getBean("readsPool")).isInstanceOf(PgConnConnectionPool.class);
        });
    }

    /**
     * NEW-USER-28 F2: the recipe's pool, built by {@link PgConnPoolBuilders}, shows {@code evictions} and
     * {@code sessionsByHost} in the reads factory's health and has {@code pg.conn.pool.evictions} under its bean name, as
     * the starter's pool does (built with {@code PgConnPools} alone it had neither).
     */
    @Test
    void theRecipesPoolReportsItsEvictionsAndSessionHostsAsTheStartersPoolDoes() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            PgConnectionFactory readsPg = context.getBean("readsPg", PgConnectionFactory.class);
            Map<String, Map<String, Object>> pools = context.getBean(PgConnPoolDetails.class).of(readsPg);
            assertThat(pools).containsOnlyKeys("readsPool");
            assertThat(pools.get("readsPool")).containsEntry("sessionsByHost", Map.of())
                    .containsEntry("evictions", Map.of("role", 0L, "host-down", 0L, "closed", 0L, "preferred-role", 0L,
                            "other-primary", 0L));
            assertThat(context.getBean(PgConnPoolDetails.class).of(context.getBean(PgConnectionFactory.class)))
                    .as("the writes factory's health shows the starter's pool only").containsOnlyKeys("connectionFactory");

            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(binder -> binder.bindTo(registry));
            for (String reason : PgConnPoolEvictions.REASONS) {
                assertThat(registry.get("pg.conn.pool.evictions").tag("name", "readsPool").tag("reason", reason)
                        .functionCounter().count()).isZero();
                assertThat(registry.get("pg.conn.pool.evictions").tag("name", "connectionFactory").tag("reason", reason)
                        .functionCounter().count()).isZero();
            }
            assertThatThrownBy(() -> context.getBean(PgConnPoolBuilders.class).over("readsPool", readsPg))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("readsPool");
        });
    }

    /** The recipe as the starter README shows it: the pool from {@link PgConnPoolBuilders}, named after its bean. */
    @Configuration(proxyBeanMethods = false)
    static class ReadsOnTheStandby {

        @Bean(defaultCandidate = false)
        @Qualifier("reads")
        PgConnectionFactory readsPg(PgConnectionFactory pgConnectionFactory, PgConnFactoryBuilders builders) {
            return builders.builder("readsPg", pgConnectionFactory.config().toBuilder()
                    .targetSessionAttrs(TargetSessionAttrs.PREFER_STANDBY).build()).build();
        }

        @Bean(defaultCandidate = false, destroyMethod = "dispose")
        @Qualifier("reads")
        ConnectionPool readsPool(@Qualifier("reads") PgConnectionFactory readsPg, PgConnPoolBuilders pools) {
            return pools.over("readsPool", readsPg).initialSize(0).maxSize(4).maxAcquireTime(Duration.ofSeconds(5)).build();
        }

        @Bean(defaultCandidate = false)
        @Qualifier("reads")
        DatabaseClient readsClient(@Qualifier("reads") ConnectionPool readsPool) {
            return DatabaseClient.create(readsPool);
        }
    }
}
