package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.r2dbc.proxy.observation.QueryObservationConvention;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.ProxyConnectionFactoryCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class PgConnMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
            // a host (PGHOST, which url and hosts override) and no start-up connect: these tests are about beans
            .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none");

    @Test
    void metersRegisteredWithMeterRegistry() {
        this.runner.withBean(SimpleMeterRegistry.class).run(context -> {
            assertThat(context).hasSingleBean(PgConnMeterBinder.class).hasSingleBean(PgConnHostAttemptsCounter.class)
                    .hasSingleBean(PgConnSubscriberMeters.class).doesNotHaveBean(PgConnObservationTracer.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(PgConnMeterBinder.class).bindTo(registry);
            assertThat(registry.get("pg.conn.connections.active").tag("name", "pgConnectionFactory").gauge().value()).isZero();
            assertThat(registry.find("pg.conn.failovers").tag("name", "pgConnectionFactory").functionCounters())
                    .as("one per kind (NEW-USER-31 F4), each 0").allMatch(counter -> counter.count() == 0)
                    .extracting(counter -> counter.getId().getTag("kind"))
                    .containsExactlyInAnyOrder("primary-to-primary", "standby-to-primary", "primary-to-standby", "role-unknown");
            assertThat(registry.get("pg.conn.standby.moves").tag("name", "pgConnectionFactory").functionCounter().count()).isZero();
        });
    }

    @Test
    void hostAttemptsCountedByHostAndOutcome() {
        int port = refusedPort();
        this.runner.withBean(SimpleMeterRegistry.class)
                .withPropertyValues("pg.conn.hosts=127.0.0.1:" + port, "pg.conn.ssl.mode=disable", "pg.conn.connect-timeout=2s")
                .run(context -> {
                    assertThat(context.getBean(PgConnectionFactory.class).connect()).failsWithin(Duration.ofSeconds(5));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("pg.conn.host.attempts").tag("name", "pgConnectionFactory").tag("host", "127.0.0.1:" + port)
                            .tag("outcome", "refused").counter().count()).isEqualTo(1);
                });
    }

    @Test
    void connectObservedWithObservationRegistry() {
        int port = refusedPort();
        this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
                .withPropertyValues("pg.conn.hosts=127.0.0.1:" + port, "pg.conn.ssl.mode=disable",
                        "pg.conn.database=orders", "pg.conn.connect-timeout=2s")
                .run(context -> {
                    assertThat(context).hasSingleBean(PgConnObservationTracer.class).hasSingleBean(PgConnStatementObservationTracer.class)
                            .doesNotHaveBean(PgConnMeterBinder.class);
                    assertThat(context.getBean(PgConnectionFactory.class).connect()).failsWithin(Duration.ofSeconds(5));
                    TestObservationRegistry registry = (TestObservationRegistry) context.getBean(ObservationRegistry.class);
                    assertThat(registry).hasObservationWithNameEqualTo("pg.conn.connect").that()
                            .hasLowCardinalityKeyValue("outcome", "failure")
                            .hasLowCardinalityKeyValue("name", "pgConnectionFactory")
                            .hasLowCardinalityKeyValue("ssl.mode", "disable")
                            .hasLowCardinalityKeyValue("db.system.name", "postgresql")
                            .hasHighCardinalityKeyValue("db.namespace", "orders");
                    assertThat(registry).hasObservationWithNameEqualTo("pg.conn.connect.attempt").that()
                            .hasLowCardinalityKeyValue("outcome", "refused")
                            .hasLowCardinalityKeyValue("name", "pgConnectionFactory")
                            .hasHighCardinalityKeyValue("server.port", Integer.toString(port))
                            .hasParentObservationContextMatching(parent -> parent.getName().equals("pg.conn.connect"));
                });
    }

    @Test
    void oneMeterSetPerFactoryBeanTaggedWithItsName() {
        this.runner.withBean(SimpleMeterRegistry.class)
                .withBean("orders", PgConnectionFactory.class, () -> PgConnectionFactory.create(
                        io.pgconn.config.ConnConfig.builder().build()), d -> d.setDestroyMethodName("close"))
                .withBean("billing", PgConnectionFactory.class, () -> PgConnectionFactory.create(
                        io.pgconn.config.ConnConfig.builder().build()), d -> d.setDestroyMethodName("close"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PgConnMeterBinder.class)
                            .hasSingleBean(PgConnHostAttemptsCounter.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    context.getBean(PgConnMeterBinder.class).bindTo(registry);
                    assertThat(registry.find("pg.conn.connections.active").gauges())
                            .extracting(g -> g.getId().getTag("name")).containsExactlyInAnyOrder("orders", "billing");
                    assertThat(registry.find("pg.conn.failovers").tag("kind", "primary-to-primary").functionCounters())
                            .extracting(c -> c.getId().getTag("name")).containsExactlyInAnyOrder("orders", "billing");
                });
    }

    /**
     * NEW-USER-25 F5: the timers Micrometer's handler makes of the observations had no description (an empty
     * {@code # HELP}); the starter's {@code MeterFilter} bean gives them one, applied by Boot's metrics
     * auto-configuration. The handler's own {@code error} tag (the exception's simple class name, or {@code none}) is
     * there next to the starter's keys, as docs/starter.md §4 says.
     */
    @Test
    void theObservationsTimersHaveADescriptionThroughBootsMeterFilters() {
        int port = refusedPort();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class, PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
                .withBean(ObservationRegistry.class, ObservationRegistry::create)
                .withPropertyValues("pg.conn.hosts=127.0.0.1:" + port, "pg.conn.ssl.mode=disable", "pg.conn.connect-timeout=2s",
                        "pg.conn.startup-check=none")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PgConnTimerDescriptions.class);
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    context.getBean(ObservationRegistry.class).observationConfig()
                            .observationHandler(new DefaultMeterObservationHandler(meters));
                    assertThat(context.getBean(PgConnectionFactory.class).connect()).failsWithin(Duration.ofSeconds(5));
                    for (String name : List.of(PgConnObservationTracer.CONNECT, PgConnObservationTracer.ATTEMPT)) {
                        Timer timer = meters.get(name).tag("name", "pgConnectionFactory").timer();
                        assertThat(timer.getId().getDescription()).as(name).isNotBlank();
                        assertThat(timer.getId().getTag("error")).as("Micrometer's own error tag").isNotNull();
                    }
                    assertThat(meters.get(PgConnObservationTracer.CONNECT).timer().getId().getTag("error"))
                            .as("the failed connect's exception class").isNotEqualTo("none");
                });
        PgConnTimerDescriptions descriptions = new PgConnTimerDescriptions();
        for (String name : List.of("pg.conn.statement", "pg.conn.statement.active", "pg.conn.connect.active",
                "pg.conn.connect.attempt.active")) {
            assertThat(descriptions.map(new Meter.Id(name, Tags.of("name", "x"), null, null, Meter.Type.TIMER)).getDescription())
                    .as(name).isNotBlank();
        }
        Meter.Id other = new Meter.Id("jvm.threads.live", Tags.empty(), null, null, Meter.Type.GAUGE);
        assertThat(descriptions.map(other)).as("another meter is left alone").isSameAs(other);
    }

    @Test
    void nothingRegisteredWithoutMicrometer() {
        this.runner.withBean(SimpleMeterRegistry.class)
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).hasSingleBean(PgConnectionFactory.class)
                        .doesNotHaveBean(PgConnMeterBinder.class).doesNotHaveBean(PgConnHostAttemptsCounter.class)
                        .doesNotHaveBean(PgConnObservationTracer.class));
    }

    @Test
    void nothingRegisteredWithoutRegistries() {
        this.runner.run(context -> assertThat(context).hasSingleBean(PgConnectionFactory.class)
                .doesNotHaveBean(PgConnMeterBinder.class).doesNotHaveBean(PgConnHostAttemptsCounter.class)
                .doesNotHaveBean(PgConnSubscriberMeters.class)
                .doesNotHaveBean(PgConnObservationTracer.class).doesNotHaveBean(PgConnStatementObservationTracer.class));
    }

    /** docs/starter.md §2: each of these is {@code @ConditionalOnMissingBean}; an application's own bean is the one used. */
    @Test
    void anApplicationsOwnObservationAndMeterBeansAreUsedInsteadOfTheStarters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = TestObservationRegistry.create();
        PgConnObservationTracer connects = new PgConnObservationTracer(observations, "own",
                io.pgconn.config.ConnConfig.builder().build(), null);
        PgConnStatementObservationTracer statements = new PgConnStatementObservationTracer(observations, true, false);
        PgConnHostAttemptsCounter attempts = new PgConnHostAttemptsCounter(meters, "own");
        this.runner.withBean(MeterRegistry.class, () -> meters).withBean(ObservationRegistry.class, () -> observations)
                .withBean(PgConnObservationTracer.class, () -> connects)
                .withBean(PgConnStatementObservationTracer.class, () -> statements)
                .withBean(PgConnHostAttemptsCounter.class, () -> attempts)
                .withBean("ownMeterBinder", PgConnMeterBinder.class, () -> new PgConnMeterBinder(java.util.Map.of(),
                        new io.pgconn.spring.boot.autoconfigure.FailoverTrackers()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PgConnObservationTracer.class)).isSameAs(connects);
                    assertThat(context.getBean(PgConnStatementObservationTracer.class)).isSameAs(statements);
                    assertThat(context.getBean(PgConnHostAttemptsCounter.class)).isSameAs(attempts);
                    assertThat(context).getBeanNames(PgConnMeterBinder.class).containsExactly("ownMeterBinder");
                });
    }

    /**
     * The statement's host on Boot's {@code r2dbc.query} (docs/starter.md §4): one customizer bean, replaced by its name
     * (AUDIT-14 L6: it was two, each replaceable alone); an application's own {@code QueryObservationConvention} replaces
     * the starter's.
     */
    @Test
    void theR2dbcQueryHostIsOneCustomizerBeanAndAnApplicationsOwnConventionWins() {
        ApplicationContextRunner observed = this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create);
        observed.run(context -> {
            assertThat(context).getBeanNames(R2dbcQueryHostCustomizer.class).containsExactly("pgConnR2dbcQueryHostCustomizer");
            assertThat(context.getBean(QueryObservationConvention.class)).isInstanceOf(R2dbcQueryHostConvention.class);
        });
        QueryObservationConvention own = new QueryObservationConvention() { };
        observed.withBean("pgConnR2dbcQueryHostCustomizer", ProxyConnectionFactoryCustomizer.class, () -> builder -> { })
                .withBean(QueryObservationConvention.class, () -> own)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(R2dbcQueryHostCustomizer.class);
                    assertThat(context.getBean(QueryObservationConvention.class)).isSameAs(own);
                });
    }

    static int refusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
