package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The factories (and their R2DBC pools) an application makes while it runs — a database per tenant, onboarded and
 * offboarded at runtime — made known to the starter's health and meters (new user 23 F3: such factories had neither,
 * {@code registerSingleton}'d or not, as both are decided from the beans at start-up):
 *
 * <pre>{@code
 * PgConnectionFactory pg = builders.builder("tenant-42", control.config().toBuilder().database("t_42").build())
 *         .eventLoopGroup(tenantLoops).build();
 * ConnectionPool pool = ...;                                  // over PgConnR2dbcConnectionFactory.of(pg)
 * runtimeFactories.register("tenant-42", pg, pool);
 * // offboarding: pool.disposeLater() then pg.closeAsync(...): the registration ends with the factory's close
 * }</pre>
 *
 * A registered factory gets {@code pg.conn.connections.active}, {@code pg.conn.failovers}, {@code pg.conn.host.status}
 * and {@code pg.conn.host.role} tagged {@code name=<name>}, its pools {@code r2dbc.pool.*} tagged {@code name=<name>}, and
 * an entry in the {@code pgConnRuntime} health component (one aggregate for all of them: 50 tenants stay one
 * component). All of that goes when the factory closes ({@link PgConnectionFactory#whenClosed()}), or earlier with
 * {@link Registration#close()}. Names are unique among the registered factories and differ from the names of the
 * application's {@code PgConnectionFactory} and R2DBC {@code ConnectionFactory} beans, whose meters carry the same
 * {@code name} tag (REVIEW-24 R24-4: a registration named like a bean shared that bean's gauges, and its close removed
 * them); give each its own (its meters' tag and its health entry; never a secret). A name holds no {@code #}: a
 * second pool of a registration is tagged {@code <name>#2}. Registering costs no session: a registered factory has no health monitor of its own
 * (no probe sessions, no logins every 10 s per host and tenant); its health shows what its own connects learned.
 */
public final class PgConnRuntimeFactories {

    /** What the starter keeps per registered factory (meters, pool gauges) hears of registrations through this. */
    public interface Listener {

        /** {@code factory} was registered (called once per registration, also for those made before the listener was added). */
        void registered(Entry factory);

        /** {@code factory}'s registration ended: its factory closed, or it was closed. */
        void unregistered(Entry factory);
    }

    /** One registered factory: its name, the factory, the pools over it (as given: r2dbc-pool {@code ConnectionPool}s). */
    public record Entry(String name, PgConnectionFactory factory, List<Object> pools) {
    }

    /** Ends a registration before the factory's close ends it; idempotent. */
    public interface Registration extends AutoCloseable {

        String name();

        @Override
        void close();
    }

    private final Map<String, Entry> entries = new ConcurrentSkipListMap<>();

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private final FailoverTrackers failoverTrackers;

    /** The names the application's factory and connection factory beans tag their meters with, asked at each register. */
    private final Supplier<Set<String>> beanNames;

    PgConnRuntimeFactories(FailoverTrackers failoverTrackers) {
        this(failoverTrackers, Set::of);
    }

    PgConnRuntimeFactories(FailoverTrackers failoverTrackers, Supplier<Set<String>> beanNames) {
        this.failoverTrackers = failoverTrackers;
        this.beanNames = beanNames;
    }

    /**
     * Registers {@code factory} under {@code name}, with the R2DBC {@code pools} over it (r2dbc-pool
     * {@code ConnectionPool}s, or wrappers of one; typed {@code Object} so that this class needs no R2DBC on the class
     * path), until the factory closes.
     *
     * @throws IllegalArgumentException when {@code name} is blank, holds a {@code #}, or is the name of one of the
     *                                  application's {@code PgConnectionFactory} or R2DBC {@code ConnectionFactory} beans;
     *                                  or {@code factory} cannot say when it closes (its
     *                                  {@link PgConnectionFactory#whenClosed()} throws, as the interface's default does)
     * @throws IllegalStateException when a factory is registered under {@code name} already, or {@code factory} is closed
     */
    public Registration register(String name, PgConnectionFactory factory, Object... pools) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a runtime factory needs a name: its meters' name tag and its health entry");
        }
        if (name.indexOf('#') >= 0) {
            throw new IllegalArgumentException("a runtime factory's name holds no '#' (it numbers a second pool: <name>#2): '" + name + "'");
        }
        if (this.beanNames.get().contains(name)) {
            throw new IllegalArgumentException("a runtime factory cannot be named '" + name + "': a connection factory bean of"
                    + " the application has that name, and its meters carry it as their name tag; give the runtime factory its own name");
        }
        if (factory.isClosed()) {
            throw new IllegalStateException("the factory registered as '" + name + "' is closed already");
        }
        CompletableFuture<Void> closed = whenClosed(name, factory); // before anything is registered
        Entry entry = new Entry(name, factory, List.of(pools));
        synchronized (this) {
            if (this.entries.putIfAbsent(name, entry) != null) {
                throw new IllegalStateException("a runtime factory named '" + name + "' is registered already: give each its own name");
            }
            this.listeners.forEach(listener -> listener.registered(entry));
        }
        Registration registration = new Registration() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void close() {
                unregister(entry);
            }
        };
        // runs before the closer's closeAsync(...) future completes (PgConnectionFactory.whenClosed)
        closed.whenComplete((ok, error) -> unregister(entry));
        return registration;
    }

    /**
     * What ends the registration: a factory that cannot say when it closes (an implementation of the application's own
     * without {@link PgConnectionFactory#whenClosed()}, whose default refuses) would keep its health entry and meters for
     * ever, so it is refused here, naming its class.
     */
    private static CompletableFuture<Void> whenClosed(String name, PgConnectionFactory factory) {
        try {
            return Objects.requireNonNull(factory.whenClosed(), () -> factory.getClass().getName() + ".whenClosed() returned null");
        } catch (UnsupportedOperationException | NullPointerException unknown) {
            throw new IllegalArgumentException("the factory registered as '" + name + "' (" + factory.getClass().getName()
                    + ") cannot say when it closes: its whenClosed() failed (" + unknown.getMessage() + "). The registration"
                    + " ends with the factory's close; implement whenClosed() (a decorator delegates it)", unknown);
        }
    }

    private synchronized void unregister(Entry entry) {
        if (this.entries.remove(entry.name(), entry)) {
            this.listeners.forEach(listener -> listener.unregistered(entry));
            this.failoverTrackers.forget(entry.factory());
        }
    }

    /** The registered factories, by name. */
    public List<Entry> entries() {
        return List.copyOf(this.entries.values());
    }

    /** Adds a listener, telling it of every factory registered now. */
    public synchronized void addListener(Listener listener) {
        this.listeners.add(listener);
        this.entries.values().forEach(listener::registered);
    }
}
