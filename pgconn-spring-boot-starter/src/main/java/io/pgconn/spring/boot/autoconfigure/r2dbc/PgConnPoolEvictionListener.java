package io.pgconn.spring.boot.autoconfigure.r2dbc;

/**
 * Told each time the R2DBC pool evicts a connection that failed {@code validate(LOCAL)}, with the
 * reason: {@code closed}, {@code role} (its server no longer satisfies {@code target_session_attrs})
 * or {@code host-down}. The starter itself counts them ({@link PgConnPoolEvictions}: the
 * {@code pg.conn.pool.evictions} meter and the {@code pgConn} health); a bean of this type is told too.
 */
@FunctionalInterface
public interface PgConnPoolEvictionListener {

    void evicted(String reason);
}
