package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ConnConfig;
import io.pgconn.trace.PgTracer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * The starter's connect observations and meters for a {@link io.pgconn.PgConnectionFactory} of the application's own
 * (new user 10 F3: a second factory, as in the two-cluster recipe, had no {@code pg.conn.connect} observation and no
 * {@code pg.conn.host.attempts}; the tracer beans belong to the auto-configured factory — they read its config and tag
 * its bean name — so handing them to another factory mislabelled it):
 *
 * <pre>{@code
 * @Bean
 * PgConnectionFactory reportingPg(PgConnFactoryTracers tracers) {
 *     ConnConfig config = ...;
 *     return PgConnectionFactory.builder(config).tracer(tracers.forFactory("reportingPg", config)).build();
 * }
 * }</pre>
 *
 * Gives the factory what the auto-configured one gets from the starter, made for it: {@code pg.conn.connect} (and its
 * {@code pg.conn.connect.attempt}s) with its {@code db.namespace} and {@code ssl.mode}, {@code pg.conn.statement},
 * {@code pg.conn.host.attempts}, all tagged {@code name=<beanName>} — each only with its registry
 * ({@link PgConnFactoryTracerSource}s of the metrics auto-configuration); none of the application's {@link PgTracer} beans, which the auto-configured factory gets (pass
 * yours as {@code own}). Its health, {@code pg.conn.connections.active} and {@code pg.conn.failovers} need nothing:
 * every {@code PgConnectionFactory} bean has them; the tracer also feeds that bean's {@link FailoverTracker} its
 * connects, so {@code pg.conn.failovers} counts without health too, as the auto-configured factory's does (docs/starter.md §3).
 */
public final class PgConnFactoryTracers {

    private final ObjectProvider<PgConnFactoryTracerSource> sources;

    private final @Nullable FailoverTrackers failoverTrackers;

    /**
     * {@code sources}: looked up at each call, so a factory bean made before the metrics beans still gets them. No
     * failover tracker among the tracers: the factory's is fed by its health monitor alone.
     */
    public PgConnFactoryTracers(ObjectProvider<PgConnFactoryTracerSource> sources) {
        this(sources, null);
    }

    /** As {@link #PgConnFactoryTracers(ObjectProvider)}, with the factory bean's tracker from {@code failoverTrackers} first. */
    public PgConnFactoryTracers(ObjectProvider<PgConnFactoryTracerSource> sources, @Nullable FailoverTrackers failoverTrackers) {
        this.sources = sources;
        this.failoverTrackers = failoverTrackers;
    }

    /**
     * One tracer for the factory bean {@code beanName} built with {@code config}: its {@link FailoverTracker}, the
     * starter's, then {@code own} in order; one that throws does not keep the others from an event. Call it once per
     * factory bean, for the factory built with it.
     */
    public PgTracer forFactory(String beanName, ConnConfig config, PgTracer... own) {
        List<PgTracer> tracers = new ArrayList<>();
        if (this.failoverTrackers != null) {
            tracers.add(this.failoverTrackers.forFactoryBean(beanName));
        }
        this.sources.orderedStream().forEach(source -> tracers.add(source.forFactory(beanName, config)));
        tracers.addAll(List.of(own));
        return CompositePgTracer.of(tracers);
    }
}
