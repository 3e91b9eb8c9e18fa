package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.Map;

/**
 * Gives the timers made of the starter's observations their description, the {@code # HELP} line of
 * {@code /actuator/prometheus} (NEW-USER-25 F5: it was empty). Micrometer's {@code DefaultMeterObservationHandler} makes
 * the timer {@code <observation>} and the long-task timer {@code <observation>.active} from the observation's name and
 * low-cardinality keys alone: neither the {@code Observation} nor its {@code ObservationConvention} can carry a
 * description to them, so it is set where every meter passes on its way into the registry, a {@link MeterFilter} (one
 * that changes nothing but the description: the meters' names and tags stay as the observations make them). A
 * description the meter has already (one an application's own filter gave it) is kept.
 */
public final class PgConnTimerDescriptions implements MeterFilter {

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            PgConnObservationTracer.CONNECT, "Connects of a pgconn factory (its name tag): every host attempt, TLS and"
                    + " authentication, until a session is ready or the connect fails",
            PgConnObservationTracer.CONNECT + ".active", "Connects of a pgconn factory (its name tag) running now",
            PgConnObservationTracer.ATTEMPT, "Host attempts of a pgconn factory's connects (its name tag): one address dialled,"
                    + " TLS, startup and authentication, until the session is ready or the host is left",
            PgConnObservationTracer.ATTEMPT + ".active", "Host attempts of a pgconn factory's connects (its name tag) running now",
            PgConnStatementObservationTracer.STATEMENT, "Statements of a pgconn factory (its name tag), from their submission"
                    + " to their end",
            PgConnStatementObservationTracer.STATEMENT + ".active", "Statements of a pgconn factory (its name tag) running now");

    @Override
    public Meter.Id map(Meter.Id id) {
        String description = DESCRIPTIONS.get(id.getName());
        if (description == null || id.getDescription() != null) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
    }
}
