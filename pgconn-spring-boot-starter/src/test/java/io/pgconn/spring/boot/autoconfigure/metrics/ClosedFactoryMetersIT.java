package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnFactoryBuilders;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * New user 23 F2: an application that makes a factory per tenant database at runtime ({@link PgConnFactoryBuilders}) and
 * closes it at offboarding kept every closed tenant's {@code pg.conn.statement} timers ({@code db.namespace=t_<id>}) and
 * {@code pg.conn.host.attempts{name=tenant-<id>}} for ever: ~3,000 Prometheus lines after 150 tenants. A factory's close
 * now removes the meters made for it, and only those (seen failing before the fix: the closed tenants' meters stayed).
 */
class ClosedFactoryMetersIT {

    private static final List<String> TENANTS = List.of("t_1", "t_2", "t_3");

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-closed-factory-meters")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE t_1 OWNER " + StarterCluster.USER).initSql("CREATE DATABASE t_2 OWNER " + StarterCluster.USER)
            .initSql("CREATE DATABASE t_3 OWNER " + StarterCluster.USER)
            .build();

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class)
                .withBean("observationRegistry", ObservationRegistry.class, ObservationRegistry::create)
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.database=postgres", "pg.conn.ssl.mode=disable",
                        "pg.conn.extension-types=", "pg.conn.startup-check=none");
    }

    @Test
    void closingATenantsFactoryRemovesTheMetersMadeForItAndOnlyThose() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            MeterRegistry meters = observe(context);
            PgConnFactoryBuilders builders = context.getBean(PgConnFactoryBuilders.class);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            select(control);

            for (String database : TENANTS) {
                PgConnectionFactory tenant = builders.builder("tenant-" + database, control.config().toBuilder().database(database).build())
                        .build();
                select(tenant);
                assertThat(tagged(meters, "db.namespace", database)).as("the open tenant's statement timers").isNotEmpty();
                assertThat(tagged(meters, "name", "tenant-" + database)).as("its host attempts").isNotEmpty();
                tenant.closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
                assertThat(tagged(meters, "db.namespace", database)).as("statement timers of closed " + database).isEmpty();
                assertThat(tagged(meters, "name", "tenant-" + database)).as("host attempts of closed " + database).isEmpty();
            }
            assertThat(tagged(meters, "db.namespace", "postgres")).as("the control factory's, still open").isNotEmpty();
            assertThat(meters.find(PgConnHostAttemptsCounter.NAME).tag("name", "pgConnectionFactory").counters()).isNotEmpty();
        });
    }

    @Test
    void twoFactoriesOnOneDatabaseEachRemoveTheirOwnTimersAtTheirClose() {
        runner().run(context -> {
            MeterRegistry meters = observe(context);
            PgConnFactoryBuilders builders = context.getBean(PgConnFactoryBuilders.class);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            PgConnectionFactory first = builders.builder("first", control.config().toBuilder().database("t_1").build()).build();
            PgConnectionFactory second = builders.builder("second", control.config().toBuilder().database("t_1").build()).build();
            select(first);
            select(second);

            first.closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(tagged(meters, "db.namespace", "t_1")).as("the second's").isNotEmpty();
            assertThat(tagged(meters, "name", "first")).isEmpty();
            assertThat(tagged(meters, "name", "second")).isNotEmpty();

            second.closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(tagged(meters, "db.namespace", "t_1")).isEmpty();
        });
    }

    /**
     * REVIEW-24 R24-1: a statement on a connection of a closed factory (a request of an offboarded tenant still running)
     * made the closed factory's timer and its long-task timer anew, and no one removed them. Seen failing before the fix.
     */
    @Test
    void aStatementAfterTheCloseMakesNoMetersOfTheClosedFactory() {
        runner().run(context -> {
            MeterRegistry meters = observe(context);
            PgConnFactoryBuilders builders = context.getBean(PgConnFactoryBuilders.class);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            PgConnectionFactory tenant = builders.builder("tenant-t_2", control.config().toBuilder().database("t_2").build()).build();
            PgConnection kept = tenant.connect().get(10, TimeUnit.SECONDS);
            kept.query("SELECT 1").get(10, TimeUnit.SECONDS);

            tenant.closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(tagged(meters, "db.namespace", "t_2")).isEmpty();
            assertThatThrownBy(() -> kept.query("SELECT 1").get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(tagged(meters, "db.namespace", "t_2")).as("the closed factory's statement made no timer").isEmpty();
            assertThat(tagged(meters, "name", "tenant-t_2")).isEmpty();
        });
    }

    /** {@code management.observations.pgconn.db-namespace-as-tag=false}: the timers have no database tag; the span keeps it. */
    @Test
    void theDatabaseTagCanBeLeftOffTheTimers() {
        runner().withPropertyValues("management.observations.pgconn.db-namespace-as-tag=false").run(context -> {
            MeterRegistry meters = observe(context);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            select(control);
            Collection<Meter> timers = meters.find(PgConnStatementObservationTracer.STATEMENT).meters();
            assertThat(timers).isNotEmpty().allSatisfy(timer -> assertThat(timer.getId().getTag("db.namespace")).isNull());
        });
    }

    /**
     * NEW-USER-25 F5: with the auto-configured factory and a reads factory on the same hosts (the README's read-replica
     * recipe), {@code pg.conn.connect}, {@code pg.conn.connect.attempt} and {@code pg.conn.statement} had no
     * {@code name} tag, so the two factories' connects and statements were one timer; each factory has its own now,
     * tagged with its bean name as its gauges are.
     */
    @Test
    void theTimersOfTwoFactoriesOnTheSameHostsAreToldApartByName() {
        runner().run(context -> {
            MeterRegistry meters = observe(context);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            PgConnectionFactory reads = context.getBean(PgConnFactoryBuilders.class).builder("readsPg", control.config()).build();
            try {
                select(control);
                select(reads);
                select(reads);
                for (String timer : List.of(PgConnObservationTracer.CONNECT, PgConnObservationTracer.ATTEMPT,
                        PgConnStatementObservationTracer.STATEMENT)) {
                    assertThat(meters.find(timer).timers()).as(timer).extracting(t -> t.getId().getTag("name"))
                            .containsExactlyInAnyOrder("pgConnectionFactory", "readsPg");
                }
                assertThat(meters.get(PgConnObservationTracer.CONNECT).tag("name", "readsPg").timer().count()).isEqualTo(2);
                assertThat(meters.get(PgConnObservationTracer.CONNECT).tag("name", "pgConnectionFactory").timer().count()).isEqualTo(1);
                assertThat(meters.get(PgConnStatementObservationTracer.STATEMENT).tag("name", "readsPg").timer().count()).isEqualTo(2);
                assertThat(meters.find(PgConnStatementObservationTracer.STATEMENT + ".active").longTaskTimers())
                        .extracting(t -> t.getId().getTag("name")).containsExactlyInAnyOrder("pgConnectionFactory", "readsPg");
            } finally {
                reads.closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            }
            assertThat(tagged(meters, "name", "readsPg")).as("the reads factory's timers went with it").isEmpty();
            assertThat(meters.find(PgConnStatementObservationTracer.STATEMENT).tag("name", "pgConnectionFactory").timers())
                    .as("the other factory's stay").hasSize(1);
        });
    }

    /** The context's observation registry, its observations made into meters of its meter registry, as Boot sets it up. */
    private static MeterRegistry observe(ApplicationContext context) {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        context.getBean("observationRegistry", ObservationRegistry.class).observationConfig()
                .observationHandler(new DefaultMeterObservationHandler(meters));
        return meters;
    }

    private static List<Meter> tagged(MeterRegistry meters, String key, String value) {
        return meters.getMeters().stream().filter(meter -> value.equals(meter.getId().getTag(key))).toList();
    }

    private static void select(PgConnectionFactory factory) throws Exception {
        PgConnection connection = factory.connect().get(10, TimeUnit.SECONDS);
        try {
            connection.query("SELECT 1").get(10, TimeUnit.SECONDS);
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
