package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.ReplicaLag;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.function.Function;

/**
 * {@code pg.conn.replica.lag} (seconds) and {@code pg.conn.replica.lag.bytes} of one factory bean: one gauge per host
 * (tag {@code host}) while it has a lag in {@link ReplicaLags} — a standby at its last health probe — with that meter's
 * value, none for a primary, a host that is down or not probed yet, and none of a meter whose value the lag lacks
 * ({@code bytes} of a standby restoring from an archive only, {@code seconds} of one that replayed no transaction since
 * it started: REVIEW-31 R31-3). A gauge per configured host read NaN for each host that is no standby, and
 * {@code /actuator/metrics/pg.conn.replica.lag} without a {@code host} tag, the sum over the hosts, then always read
 * "NaN" (closing-note-29). Micrometer's {@link MultiGauge} keeps the rows: {@link ReplicaLags} says when the set of
 * standbys, or which values their lags have, changes, and the rows are registered anew from it, the others removed. A
 * gauge reads the lag live; between a standby's promotion (or its value going {@code null}) and its row's removal (the
 * same thread, right after) it may read NaN once.
 */
final class ReplicaLagGauges {

    private final PgConnectionFactory factory;

    private final ReplicaLags lags;

    private final MultiGauge seconds;

    private final MultiGauge bytes;

    private ReplicaLagGauges(MeterRegistry registry, String name, PgConnectionFactory factory, ReplicaLags lags) {
        this.factory = factory;
        this.lags = lags;
        this.seconds = MultiGauge.builder("pg.conn.replica.lag")
                .description("How far the standby's replay was behind at its last health probe; only for hosts that are standbys")
                .baseUnit("seconds")
                .tag("db.system.name", "postgresql")
                .tag("name", name)
                .register(registry);
        this.bytes = MultiGauge.builder("pg.conn.replica.lag.bytes")
                .description("WAL the standby received and had not replayed at its last health probe; only for hosts that are standbys")
                .baseUnit("bytes")
                .tag("db.system.name", "postgresql")
                .tag("name", name)
                .register(registry);
    }

    /** Binds the lag gauges of {@code factory}, bean {@code name}: one per standby from now on, as {@code lags} changes. */
    static void bind(MeterRegistry registry, String name, PgConnectionFactory factory, ReplicaLags lags) {
        ReplicaLagGauges gauges = new ReplicaLagGauges(registry, name, factory, lags);
        lags.onStandbysChanged(factory, gauges::standbysChanged);
        gauges.standbysChanged();
    }

    /**
     * The rows anew from the standbys now. Serialized: each call reads the set after its change, so the last one to run
     * registers the latest set (MultiGauge's own update may otherwise land an older set after a newer one).
     */
    private synchronized void standbysChanged() {
        List<String> standbys = this.lags.standbys(this.factory).stream().sorted().toList();
        this.seconds.register(rows(standbys, ReplicaLag::seconds), false);
        this.bytes.register(rows(standbys, ReplicaLag::bytes), false);
    }

    /** A row per standby whose lag has {@code value} now; it reads the lag live, NaN once the lag or value is gone. */
    private List<MultiGauge.Row<?>> rows(List<String> standbys, Function<ReplicaLag, @Nullable Number> value) {
        return standbys.stream().filter(host -> valueOf(host, value) != null)
                .<MultiGauge.Row<?>>map(host -> MultiGauge.Row.of(Tags.of("host", host), this.lags, lags -> {
                    Number now = valueOf(host, value);
                    return now == null ? Double.NaN : now.doubleValue();
                })).toList();
    }

    private @Nullable Number valueOf(String host, Function<ReplicaLag, @Nullable Number> value) {
        ReplicaLag lag = this.lags.of(this.factory, host);
        return lag == null ? null : value.apply(lag);
    }
}
