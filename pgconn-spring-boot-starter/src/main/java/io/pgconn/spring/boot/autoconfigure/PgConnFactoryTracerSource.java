package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ConnConfig;
import io.pgconn.trace.PgTracer;

/**
 * Makes one of the starter's tracers for a factory of the application's own: the metrics auto-configuration
 * contributes one per observation or meter it gives the auto-configured factory ({@code pg.conn.connect},
 * {@code pg.conn.statement}, {@code pg.conn.host.attempts}), each present only with its registry.
 * {@link PgConnFactoryTracers} hands them out.
 */
@FunctionalInterface
public interface PgConnFactoryTracerSource {

    /**
     * A tracer for the factory bean {@code beanName} (its meters' {@code name} tag), made with {@code config}
     * (its {@code db.namespace}, {@code ssl.mode}); a new instance per call.
     */
    PgTracer forFactory(String beanName, ConnConfig config);
}
