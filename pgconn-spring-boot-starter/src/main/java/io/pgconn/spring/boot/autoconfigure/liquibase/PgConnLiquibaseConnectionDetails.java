package io.pgconn.spring.boot.autoconfigure.liquibase;

import io.pgconn.config.ConnConfig;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;

/**
 * Liquibase's connection details derived from the auto-configured factory's {@link ConnConfig}
 * ({@link PgjdbcConnectionDetails}: the pgjdbc URL to the primary among {@code pg.conn.*}'s hosts, its user and
 * password). {@link #toString()} shows the URL and the user, never the password (the URL has none).
 */
public final class PgConnLiquibaseConnectionDetails extends PgjdbcConnectionDetails implements LiquibaseConnectionDetails {

    PgConnLiquibaseConnectionDetails(ConnConfig config, @Nullable String sslBundle) {
        super(config, sslBundle, "spring.liquibase");
    }
}
