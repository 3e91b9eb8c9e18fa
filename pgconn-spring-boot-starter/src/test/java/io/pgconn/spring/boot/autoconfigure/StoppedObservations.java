package io.pgconn.spring.boot.autoconfigure;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.pgconn.testing.Conditions.awaitCondition;

/**
 * Every observation that stopped, kept with its key values, in the order they stopped (a
 * {@code TestObservationRegistry}'s own list is not public). Joins Boot's registry as an {@code ObservationHandler}
 * bean, or a registry of the test's own through {@link #registry()}.
 */
public final class StoppedObservations implements ObservationHandler<Observation.Context> {

    private static final Duration STEP = Duration.ofSeconds(30);

    public final Queue<Observation.Context> contexts = new ConcurrentLinkedQueue<>();

    @Override
    public boolean supportsContext(Observation.Context context) {
        return true;
    }

    @Override
    public void onStop(Observation.Context context) {
        contexts.add(context);
    }

    /** A {@code TestObservationRegistry} whose observations are kept here, for a context of the test's own. */
    public ObservationRegistry registry() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        registry.observationConfig().observationHandler(this);
        return registry;
    }

    /** Those named {@code name}, in the order they stopped. */
    public List<Observation.Context> named(String name) {
        return contexts.stream().filter(context -> name.equals(context.getName())).toList();
    }

    /** The first {@code r2dbc.query} observation (Boot's) of {@code sql}, once it stopped. */
    public Observation.Context awaitR2dbcQuery(String sql) {
        awaitCondition("the r2dbc.query observation of " + sql + " to stop", STEP,
                () -> named("r2dbc.query").stream().anyMatch(context -> r2dbcQuery(context).equals(sql)));
        return named("r2dbc.query").stream().filter(context -> r2dbcQuery(context).equals(sql)).findFirst().orElseThrow();
    }

    /** The SQL of an {@code r2dbc.query} observation ({@code r2dbc.query[0]}); empty for another. */
    public static String r2dbcQuery(Observation.Context context) {
        KeyValue sql = context.getHighCardinalityKeyValue("r2dbc.query[0]");
        return sql == null ? "" : sql.getValue();
    }
}
