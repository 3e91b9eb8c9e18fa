package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.trace.PgTracer.ConnectEnded;
import io.pgconn.trace.PgTracer.ConnectStarted;
import io.pgconn.trace.PgTracer.FactoryClosed;
import io.pgconn.trace.PgTracer.HostAttemptEnded;
import io.pgconn.trace.PgTracer.HostOutcome;
import io.pgconn.trace.PgTracer.StatementEnded;
import io.pgconn.trace.PgTracer.StatementKind;
import io.pgconn.trace.PgTracer.StatementOutcome;
import io.pgconn.trace.PgTracer.StatementSpan;
import io.pgconn.trace.PgTracer.StatementStarted;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-24 R24-1 and R24-2: what a closed factory's tracers do with work that ends after the close — a statement cut off
 * by the close that ends on the loop after it (on an event loop group the factory does not own, its close returns
 * first), an attempt the close aborted — and a claim of a group its last owner is releasing. The closed factory's meters
 * stay gone; a live factory's stay. A connect tracer claims nothing before its factory's first connect.
 */
class ClosedFactoryTracersTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ObservationRegistry observations = ObservationRegistry.create();
    private final PgConnMeterOwners owners = new PgConnMeterOwners(() -> meters);

    ClosedFactoryTracersTest() {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    }

    @Test
    void aStatementEndingAfterTheCloseTakesItsTimersWithIt() {
        PgConnStatementObservationTracer tenant = tracer();
        StatementStarted started = started("t_1");
        StatementSpan running = tenant.statementStarted(started);
        assertThat(tagged("db.namespace", "t_1")).as("the running statement's long-task timer").isNotEmpty();

        tenant.factoryClosed(new FactoryClosed("tenant-t_1"));
        assertThat(tagged("db.namespace", "t_1")).isEmpty();
        running.ended(ended(started));
        assertThat(tagged("db.namespace", "t_1")).as("made again by the end, removed with it").isEmpty();
        assertThat(tenant.statementStarted(started("t_1"))).as("a closed factory's statement is not observed").isNull();
    }

    @Test
    void aStatementOfTheClosedFactoryLeavesTheTimersALiveFactoryFeeds() {
        PgConnStatementObservationTracer closing = tracer();
        PgConnStatementObservationTracer live = tracer();
        StatementStarted started = started("t_1");
        StatementSpan running = closing.statementStarted(started);
        live.statementStarted(started("t_1")).ended(ended(started("t_1")));

        closing.factoryClosed(new FactoryClosed("first"));
        running.ended(ended(started));
        assertThat(meters.find(PgConnStatementObservationTracer.STATEMENT).tag("db.namespace", "t_1").timers())
                .as("the live factory's timer").isNotEmpty();
    }

    @Test
    void anAttemptEndingAfterTheCloseIsNotCounted() {
        PgConnHostAttemptsCounter counter = new PgConnHostAttemptsCounter(meters, "tenant-t_1", owners);
        counter.hostAttemptEnded(attempt());
        counter.factoryClosed(new FactoryClosed("tenant-t_1"));
        assertThat(tagged("name", "tenant-t_1")).isEmpty();
        counter.hostAttemptEnded(attempt());
        assertThat(tagged("name", "tenant-t_1")).isEmpty();
    }

    /** A factory that claims a group after its last owner released it owns it: its own close removes the meters. */
    @Test
    void aClaimAfterTheLastReleaseMakesTheGroupAnew() {
        PgConnMeterOwners.Group group = new PgConnMeterOwners.Group(List.of("g"), List.of("name", "x"));
        Object first = new Object();
        Object second = new Object();
        owners.claim(group, first);
        meters.counter("g", "name", "x").increment();
        owners.release(first, List.of(group));
        assertThat(meters.find("g").counters()).isEmpty();

        owners.claim(group, second);
        meters.counter("g", "name", "x").increment();
        owners.release(first, List.of(group));
        assertThat(meters.find("g").counters()).as("still the second's").isNotEmpty();
        owners.release(second, List.of(group));
        assertThat(meters.find("g").counters()).isEmpty();
        assertThat(owners.liveGroups()).isZero();
    }

    /**
     * The connect tracer claims its group at its factory's first connect, where its first meter (the connect's
     * {@code .active} timer) is made, and its factory's close gives it back: a tracer made for a factory that is never
     * built, or never connects, leaves nothing in the owners (until session 26 it claimed in its constructor: one
     * entry per tracer made, for good when no close came).
     */
    @Test
    void theConnectTracerClaimsItsGroupAtItsFirstConnectNotWhenItIsMade() {
        ConnConfig config = ConnConfig.parse("host=db.example port=5432 user=u", EnvironmentSource.none());
        PgConnObservationTracer unused = new PgConnObservationTracer(observations, "tenant-t_7", config, owners);
        PgConnObservationTracer tenant = new PgConnObservationTracer(observations, "tenant-t_8", config, owners);
        assertThat(owners.liveGroups()).as("made, never connected").isZero();

        tenant.connectStarted(ConnectStarted.of(1, config.hosts(), TargetSessionAttrs.ANY));
        assertThat(owners.liveGroups()).isOne();
        assertThat(tagged("name", "tenant-t_8")).as("the running connect's long-task timer").isNotEmpty();
        tenant.connectEnded(new ConnectEnded(1, "db.example:5432", ServerRole.PRIMARY, 1, null, Duration.ofMillis(1)));
        tenant.factoryClosed(new FactoryClosed("tenant-t_8"));

        assertThat(owners.liveGroups()).isZero();
        assertThat(tagged("name", "tenant-t_8")).isEmpty();
        assertThat(unused).isNotNull();
    }

    private PgConnStatementObservationTracer tracer() {
        return new PgConnStatementObservationTracer(observations, "tenant", false, false, true, owners);
    }

    private static StatementStarted started(String database) {
        return new StatementStarted(StatementKind.EXTENDED, "SELECT 1", 0, 1, HostSpec.of("db.example", 5432), null, database, 42,
                "core");
    }

    private static StatementEnded ended(StatementStarted started) {
        return new StatementEnded(started, StatementOutcome.SUCCESS, 1, null, null, Duration.ofMillis(1));
    }

    private static HostAttemptEnded attempt() {
        return new HostAttemptEnded(1, "db.example:5432", null, HostOutcome.CONNECTED, ServerRole.PRIMARY, null, null, null,
                Duration.ofMillis(1));
    }

    private List<Meter> tagged(String key, String value) {
        return meters.getMeters().stream().filter(meter -> value.equals(meter.getId().getTag(key))).toList();
    }
}
