package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import io.pgconn.spring.boot.autoconfigure.PgConnPoolProperties;

/**
 * {@code pg.conn.pool.initial-size} and {@code max-size} checked together before r2dbc-pool sees them:
 * r2dbc-pool refuses a bad pair with a bare {@code IllegalArgumentException} deep in a bean-creation
 * chain, while the starter's report names both properties and their values. An unset initial size
 * follows the maximum ({@code min(10, max-size)}), so setting only {@code max-size: 5} works.
 */
record PgConnPoolSizes(int initialSize, int maxSize) {

    static PgConnPoolSizes of(PgConnPoolProperties pool) {
        int max = pool.getMaxSize();
        if (max < 1) {
            throw new InvalidPgConnPropertyException("pg.conn.pool.max-size", String.valueOf(max),
                    "expected a whole number of at least 1 (the most connections the pool holds)", null);
        }
        Integer initial = pool.getInitialSize();
        if (initial == null) {
            return new PgConnPoolSizes(Math.min(PgConnPoolProperties.DEFAULT_INITIAL_SIZE, max), max);
        }
        if (initial < 0) {
            throw new InvalidPgConnPropertyException("pg.conn.pool.initial-size", String.valueOf(initial),
                    "expected a whole number from 0 to pg.conn.pool.max-size (" + max + ")", null);
        }
        if (initial > max) {
            throw new InvalidPgConnPropertyException("pg.conn.pool.initial-size", String.valueOf(initial),
                    "must not exceed pg.conn.pool.max-size (" + max + "): pg.conn.pool.initial-size=" + initial
                            + " and pg.conn.pool.max-size=" + max + " conflict; lower initial-size, raise max-size,"
                            + " or leave initial-size unset (it then follows max-size, up to 10)", null);
        }
        return new PgConnPoolSizes(initial, max);
    }
}
