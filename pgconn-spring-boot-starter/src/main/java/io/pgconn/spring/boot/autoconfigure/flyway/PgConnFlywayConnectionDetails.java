package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.config.ConnConfig;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Flyway's (and Boot's JDBC) connection details derived from the auto-configured factory's {@link ConnConfig}
 * ({@link PgjdbcConnectionDetails}: the pgjdbc URL to the primary among {@code pg.conn.*}'s hosts, its user and
 * password). Also a {@link JdbcConnectionDetails}: Boot 4 runs Flyway's auto-configuration only when there is a
 * {@code DataSource}, a {@code JdbcConnectionDetails} or {@code spring.flyway.url}. {@link #toString()} shows the
 * URL and the user, never the password (the URL has none).
 */
public final class PgConnFlywayConnectionDetails extends PgjdbcConnectionDetails
        implements FlywayConnectionDetails, JdbcConnectionDetails {

    PgConnFlywayConnectionDetails(ConnConfig config, @Nullable String sslBundle) {
        super(config, sslBundle, "spring.flyway");
    }
}
