package io.pgconn.spring.boot.autoconfigure.data;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.core.Ordered;
import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.data.r2dbc.dialect.R2dbcDialect;

import java.util.Optional;

/**
 * Spring Data R2DBC's dialect lookup ({@link DialectResolver}, which Boot's Spring Data R2DBC
 * configuration and {@code AbstractR2dbcConfiguration} ask) answers {@link PgConnR2dbcDialect} for a
 * pgconn connection factory — also under r2dbc-pool and r2dbc-proxy, which hand out the driver's
 * metadata — and nothing for any other, which Spring Data's built-in provider then answers as before.
 * Registered in {@code META-INF/spring.factories}; asked before the built-in provider, which would
 * answer {@code PostgresDialect} for pgconn (its metadata says {@code PostgreSQL}).
 */
public class PgConnDialectProvider implements DialectResolver.R2dbcDialectProvider, Ordered {

    /** Named, not referenced: pgconn-r2dbc is optional for the starter. */
    static final String PGCONN_METADATA = "io.pgconn.r2dbc.PgConnR2dbcConnectionFactoryMetadata";

    @Override
    public Optional<R2dbcDialect> getDialect(ConnectionFactory connectionFactory) {
        boolean pgconn = connectionFactory.getMetadata().getClass().getName().equals(PGCONN_METADATA);
        return pgconn ? Optional.of(PgConnR2dbcDialect.INSTANCE) : Optional.empty();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
