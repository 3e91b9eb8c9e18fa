package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which live factories feed each group of the starter's per-factory meters, so that a factory's close removes the
 * meters made for it (new user 23 F2: an application that made and closed a factory per tenant kept ~3,000 Prometheus
 * lines of 150 closed tenants' {@code pg.conn.statement} timers and {@code pg.conn.host.attempts} counters). A group is
 * a set of meter names and the tags that single it out (a factory's {@code name}; a statement timer's {@code name},
 * {@code db.namespace}, {@code server.address} and {@code server.port}); a factory's tracer claims the groups it
 * feeds, and at the factory's close ({@code PgTracer.factoryClosed}) gives them back: a group no live factory claims any
 * more has its meters removed from the registry ({@link MeterRegistry#remove(Meter)}, as Micrometer's
 * {@code MultiGauge} does for rows that went). Two live factories of one name (one closing while its successor
 * starts) share their meters: the one closed first leaves them to the other. A meter the group's next statement makes
 * again starts from zero, which a Prometheus {@code rate} reads as a reset.
 */
public final class PgConnMeterOwners {

    /**
     * Meters named {@code names} carrying every tag of {@code tags} (key, value, key, value ...: plain strings, so that a
     * tracer naming a group loads no Micrometer meter class).
     */
    record Group(List<String> names, List<String> tags) {
    }

    private final Supplier<@Nullable MeterRegistry> registry;

    private final Map<Group, Set<Object>> owners = new ConcurrentHashMap<>();

    /** {@code registry}: looked up at each removal; null when there is none (nothing to remove). */
    public PgConnMeterOwners(Supplier<@Nullable MeterRegistry> registry) {
        this.registry = registry;
    }

    /**
     * {@code owner} (a factory's tracer) feeds the meters of {@code group}. Atomic with {@link #release}: a claim racing
     * the last owner's release either lands before it (the group and its meters stay) or makes the group anew.
     */
    void claim(Group group, Object owner) {
        this.owners.compute(group, (key, current) -> {
            Set<Object> claimed = current != null ? current : ConcurrentHashMap.newKeySet();
            claimed.add(owner);
            return claimed;
        });
    }

    /**
     * {@code owner}'s factory closed: of the groups it {@code fed}, those no other live factory claims lose their meters
     * — also a group it fed again after an earlier release (a statement of the closed factory that ended after the close
     * made its timer anew: REVIEW-24 R24-1), so a closed factory's tracer calls this again after each such feed.
     */
    void release(Object owner, Collection<Group> fed) {
        MeterRegistry meters = this.registry.get();
        for (Group group : fed) {
            this.owners.compute(group, (key, current) -> {
                if (current != null) {
                    current.remove(owner);
                    if (!current.isEmpty()) {
                        return current;
                    }
                }
                if (meters != null) {
                    remove(meters, key);
                }
                return null;
            });
        }
    }

    private static void remove(MeterRegistry meters, Group group) {
        for (String name : group.names()) {
            meters.find(name).tags(Tags.of(group.tags().toArray(String[]::new))).meters().forEach(meters::remove);
        }
    }

    /** Groups claimed by a live factory (tests). */
    int liveGroups() {
        return this.owners.size();
    }
}
