package io.pgconn.r2dbc;

import io.r2dbc.spi.ConnectionFactoryMetadata;

/**
 * Names the database product {@code PostgreSQL}, the name Spring Data R2DBC's dialect lookup and
 * other tools key on, so they treat pgconn like any PostgreSQL driver.
 */
public enum PgConnR2dbcConnectionFactoryMetadata implements ConnectionFactoryMetadata {
    INSTANCE;

    public static final String NAME = "PostgreSQL";

    @Override
    public String getName() {
        return NAME;
    }
}
