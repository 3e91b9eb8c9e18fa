package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnFactoryTracers;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 10 F3: two factories of the application's own (the two-cluster recipe) get the starter's connect and
 * statement observations and host-attempt counter, each made for its factory — its database, its bean name — through
 * {@link PgConnFactoryTracers}; and the application's own tracer joins them.
 */
class PgConnFactoryTracersIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-factory-tracers")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE orders OWNER " + StarterCluster.USER).initSql("CREATE DATABASE reporting OWNER " + StarterCluster.USER)
            .build();

    private final StoppedObservations stopped = new StoppedObservations();

    /** Connects counted by the application's own tracer, passed next to the starter's. */
    static final AtomicInteger OWN_TRACER_CONNECTS = new AtomicInteger();

    @Configuration(proxyBeanMethods = false)
    static class TwoFactories {

        @Bean(destroyMethod = "close")
        @Primary
        PgConnectionFactory ordersPg(PgConnFactoryTracers tracers) {
            ConnConfig config = config("orders");
            return PgConnectionFactory.builder(config).tracer(tracers.forFactory("ordersPg", config)).build();
        }

        @Bean(destroyMethod = "close")
        PgConnectionFactory reportingPg(PgConnFactoryTracers tracers) {
            ConnConfig config = config("reporting");
            PgTracer own = new PgTracer() {
                @Override
                public void connectEnded(ConnectEnded event) {
                    OWN_TRACER_CONNECTS.incrementAndGet();
                }
            };
            return PgConnectionFactory.builder(config).tracer(tracers.forFactory("reportingPg", config, own)).build();
        }

        private static ConnConfig config(String database) {
            return ConnConfig.builder().hosts(HostSpec.of("127.0.0.1", PG.primary().port())).database(database)
                    .user(StarterCluster.USER).password(StarterCluster.PASSWORD).sslMode(SslMode.DISABLE).build();
        }
    }

    @Test
    void eachFactoryOfTheApplicationsOwnGetsTheStartersObservationsAndMetersMadeForIt() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class)
                .withBean(ObservationRegistry.class, stopped::registry)
                .withUserConfiguration(TwoFactories.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("pgConnectionFactory");
                    for (String name : List.of("ordersPg", "reportingPg")) {
                        PgConnection c = context.getBean(name, PgConnectionFactory.class).connect().get(10, TimeUnit.SECONDS);
                        try {
                            c.query("SELECT 1").get(10, TimeUnit.SECONDS);
                        } finally {
                            c.close().get(10, TimeUnit.SECONDS);
                        }
                    }
                    List<Observation.Context> observed = stopped.contexts.stream().toList();
                    assertThat(observed.stream().filter(o -> PgConnObservationTracer.CONNECT.equals(o.getName())))
                            .extracting(o -> o.getHighCardinalityKeyValue("db.namespace").getValue())
                            .containsExactly("orders", "reporting");
                    assertThat(observed.stream().filter(o -> PgConnObservationTracer.CONNECT.equals(o.getName())))
                            .allSatisfy(o -> assertThat(o.getLowCardinalityKeyValues()).contains(KeyValue.of("ssl.mode", "disable"),
                                    KeyValue.of("outcome", "success")));
                    assertThat(observed.stream().filter(o -> PgConnObservationTracer.ATTEMPT.equals(o.getName()))).hasSize(2);
                    assertThat(observed.stream().filter(o -> PgConnStatementObservationTracer.STATEMENT.equals(o.getName())))
                            .extracting(o -> o.getLowCardinalityKeyValue("db.namespace").getValue())
                            .containsExactly("orders", "reporting");
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    for (String name : List.of("ordersPg", "reportingPg")) {
                        assertThat(meters.get(PgConnHostAttemptsCounter.NAME).tag("name", name).tag("outcome", "connected")
                                .counter().count()).as(name).isEqualTo(1.0);
                    }
                    assertThat(OWN_TRACER_CONNECTS).hasValue(1);
                });
    }
}
