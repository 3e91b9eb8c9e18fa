package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link FailoverTracker} per {@link PgConnectionFactory} bean, shared by its health
 * contributor and its meters. The auto-configured factory's is the {@code pgConnFailoverTracker} bean
 * (fed by every connect), never another {@link FailoverTracker} bean (the application's own, made for a factory of
 * its own). A factory built with the starter's tracers for its bean name ({@link PgConnFactoryTracers#forFactory},
 * which {@link PgConnFactoryBuilders#builder} uses) has one among them, fed by its connects likewise until its health
 * monitor runs (session 21: it was fed by the health monitor only, so without health its {@code pg.conn.failovers}
 * stayed 0); any other factory bean of the application's own gets one fed by its health monitor alone. The trackers
 * made here share one {@link HostSessionLossLog}: a host's ending of sessions is logged once across the factories on
 * it (NEW-USER-23 F7).
 */
public final class FailoverTrackers {

    /**
     * The one session-loss log of every tracker made here (NEW-USER-23 F7): a host's event is one WARN and one return
     * line however many factories on it lost sessions, each factory's count named in the return line.
     */
    private final HostSessionLossLog sessionLosses = new HostSessionLossLog(Clock.systemUTC());

    // PgConnectionFactory keeps Object's identity equality: one entry per instance
    private final Map<PgConnectionFactory, FailoverTracker> trackers = new ConcurrentHashMap<>();

    /**
     * Trackers made for a factory bean not built yet, with its bean name, until {@link #of} hands them out for it; held
     * weakly (REVIEW-21 ST-3): one made for a factory that is no bean, which nothing claims, goes with its factory (whose
     * tracer holds it) instead of staying here for ever — a factory per tenant made at run time grew the map. Guarded by
     * itself.
     */
    private final Map<FailoverTracker, String> madeBeforeTheFactory = new WeakHashMap<>();

    void register(PgConnectionFactory factory, FailoverTracker tracker) {
        this.trackers.put(factory, tracker);
    }

    /**
     * The tracker of {@code factory}, the bean {@code name}: the one made for that bean name before it was built
     * ({@link #forFactoryBean}), else one created on first use (its log lines name the bean).
     */
    public FailoverTracker of(String name, PgConnectionFactory factory) {
        return this.trackers.computeIfAbsent(factory, f -> {
            FailoverTracker made = claim(name);
            return made != null ? made : tracker(name);
        });
    }

    /** {@code factory} is gone (a runtime factory's registration ended, {@link PgConnRuntimeFactories}): its tracker goes too. */
    void forget(PgConnectionFactory factory) {
        this.trackers.remove(factory);
    }

    private @Nullable FailoverTracker claim(String name) {
        synchronized (this.madeBeforeTheFactory) {
            for (Iterator<Map.Entry<FailoverTracker, String>> made = this.madeBeforeTheFactory.entrySet().iterator(); made.hasNext(); ) {
                Map.Entry<FailoverTracker, String> entry = made.next();
                if (name.equals(entry.getValue())) {
                    made.remove();
                    return entry.getKey();
                }
            }
        }
        return null;
    }

    /**
     * A tracker for the factory bean {@code beanName} about to be built, to be one of its tracers so that its connects
     * feed it, as the auto-configured factory's are; {@link #of} hands it out for that bean's factory. One call per
     * factory bean: with two unclaimed for one name, either may be handed out.
     */
    FailoverTracker forFactoryBean(String beanName) {
        FailoverTracker tracker = tracker(beanName);
        synchronized (this.madeBeforeTheFactory) {
            this.madeBeforeTheFactory.put(tracker, beanName);
        }
        return tracker;
    }

    /**
     * A tracker for the factory {@code name}, its session-loss log shared with every other tracker made here: the
     * auto-configured factory's ({@code pgConnFailoverTracker}) is made here too.
     */
    FailoverTracker tracker(String name) {
        return new FailoverTracker(name, Clock.systemUTC(), this.sessionLosses);
    }
}
