package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;

import java.util.Map;

/**
 * The connection pools running over a {@link PgConnectionFactory}, as the {@code pgConn} health
 * shows them next to the active host: after a failover, whether the pool emptied itself of
 * connections to the old primary is the other half of "is the application healthy". Provided by
 * the R2DBC auto-configuration when pgconn-r2dbc is present; the health itself needs no R2DBC class.
 */
@FunctionalInterface
public interface PgConnPoolDetails {

    /** Pool bean name to its details (no secrets), for each pool over {@code factory}; empty when none. */
    Map<String, Map<String, Object>> of(PgConnectionFactory factory);
}
