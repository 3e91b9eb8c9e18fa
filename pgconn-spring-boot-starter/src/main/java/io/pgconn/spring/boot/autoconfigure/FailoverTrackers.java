package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link FailoverTracker} per {@link PgConnectionFactory} bean, shared by its health
 * contributor and its meters. The auto-configured factory's is the {@code pgConnFailoverTracker} bean
 * (fed by every connect), never another {@link FailoverTracker} bean (the application's own, made for a factory of
 * its own); a factory bean of the application's own gets one fed by its health monitor.
 */
public final class FailoverTrackers {

    // PgConnectionFactory keeps Object's identity equality: one entry per instance
    private final Map<PgConnectionFactory, FailoverTracker> trackers = new ConcurrentHashMap<>();

    void register(PgConnectionFactory factory, FailoverTracker tracker) {
        this.trackers.put(factory, tracker);
    }

    /** The tracker of {@code factory}, the bean {@code name}, created on first use (its log lines name the bean). */
    public FailoverTracker of(String name, PgConnectionFactory factory) {
        return this.trackers.computeIfAbsent(factory, f -> new FailoverTracker(name));
    }
}
