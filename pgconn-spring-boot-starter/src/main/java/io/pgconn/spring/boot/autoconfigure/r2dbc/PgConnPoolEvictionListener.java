package io.pgconn.spring.boot.autoconfigure.r2dbc;

/**
 * Told each time the R2DBC pool evicts a connection that failed {@code validate(LOCAL)}, with the
 * reason: {@code closed}, {@code role} (its server no longer satisfies {@code target_session_attrs})
 * or {@code host-down}. With Micrometer present the starter counts them as {@code pg.conn.pool.evictions}.
 */
@FunctionalInterface
public interface PgConnPoolEvictionListener {

    void evicted(String reason);
}
