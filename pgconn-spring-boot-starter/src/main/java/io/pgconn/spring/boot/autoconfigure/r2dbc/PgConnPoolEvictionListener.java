package io.pgconn.spring.boot.autoconfigure.r2dbc;

/**
 * Told each time the R2DBC pool evicts a connection that failed {@code validate(LOCAL)}, with the
 * reason: {@code closed}, {@code role} (its server no longer satisfies {@code target_session_attrs})
 * or {@code host-down}; or one that passes it but is a {@code prefer-standby} session on a primary
 * while a standby is up ({@code preferred-role}, evicted unlent only). The starter itself counts them ({@link PgConnPoolEvictions}: the
 * {@code pg.conn.pool.evictions} meter and the {@code pgConn} health); a bean of this type is told too.
 */
@FunctionalInterface
public interface PgConnPoolEvictionListener {

    void evicted(String reason);
}
