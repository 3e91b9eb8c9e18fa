package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end, a failover on Boot's {@code r2dbc.query} observation of the starter's pool: before it each statement names
 * the primary's host; the primary crashes and the standby is promoted; the pool's next connection lands on the promoted
 * standby, and the statements on it name its host — the timer's tags as the observation's keys (docs/starter.md §4).
 */
class PgConnR2dbcQueryFailoverObservationIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-r2dbc-query-failover", 1);

    @Test
    void afterAFailoverTheStatementsObservationsNameThePromotedHost() {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        StoppedObservations observed = new StoppedObservations();
        MeterRegistry meters = new SimpleMeterRegistry();
        ObservedPoolContexts.runner(observed)
                .withBean(DefaultMeterObservationHandler.class, () -> new DefaultMeterObservationHandler(meters))
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(primary) + "," + StarterCluster.label(standby),
                        "pg.conn.target-session-attrs=read-write", "pg.conn.database=postgres", "pg.conn.startup-check=none",
                        "pg.conn.host-connect-timeout=2s", "pg.conn.pool.max-size=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DatabaseClient client = DatabaseClient.create(context.getBean(ConnectionFactory.class));
                    assertThat(client.sql("SELECT 'before'").map(row -> row.get(0, String.class)).one().block(STEP)).isEqualTo("before");
                    assertThat(portOf(observed, "SELECT 'before'")).isEqualTo(Integer.toString(primary.port()));

                    primary.stop(StopMode.IMMEDIATE);
                    standby.promote();
                    // the pooled connection to the crashed primary fails once, or is dropped by validation: retry
                    awaitCondition("a statement on the promoted standby", STEP, () -> {
                        try {
                            return "after".equals(client.sql("SELECT 'after'").map(row -> row.get(0, String.class)).one().block(STEP));
                        } catch (RuntimeException lost) {
                            return false;
                        }
                    });
                    assertThat(portOf(observed, "SELECT 'after'")).isEqualTo(Integer.toString(standby.port()));
                    assertThat(meters.get("r2dbc.query").tag("server.port", Integer.toString(standby.port())).timer().count())
                            .as("the timer's series of the promoted host").isPositive();
                    assertThat(meters.get("r2dbc.query.active").tag("server.port", Integer.toString(standby.port()))
                            .longTaskTimer()).as("the long-task timer's series of the promoted host").isNotNull();
                });
    }

    /** The server.port of the last successful r2dbc.query observation of {@code sql}, once it stopped. */
    private static String portOf(StoppedObservations observed, String sql) {
        awaitCondition("the r2dbc.query observation of " + sql, STEP, () -> !succeeded(observed, sql).isEmpty());
        List<Observation.Context> done = succeeded(observed, sql);
        return done.get(done.size() - 1).getLowCardinalityKeyValue("server.port").getValue();
    }

    private static List<Observation.Context> succeeded(StoppedObservations observed, String sql) {
        return observed.named("r2dbc.query").stream().filter(context -> context.getError() == null)
                .filter(context -> sql.equals(StoppedObservations.r2dbcQuery(context))).toList();
    }
}
