package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.config.ConnConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Flyway's (and Boot's JDBC) connection details derived from the auto-configured factory's {@link ConnConfig}: a
 * pgjdbc URL to the primary among {@code pg.conn.*}'s hosts ({@link PgjdbcUrl}), its user and password
 * ({@link PgjdbcPassword}). Also a
 * {@link JdbcConnectionDetails}: Boot 4 runs Flyway's auto-configuration only when there is a {@code DataSource}, a
 * {@code JdbcConnectionDetails} or {@code spring.flyway.url}. {@link #toString()} shows the URL and the user, never
 * the password (the URL has none).
 */
public final class PgConnFlywayConnectionDetails implements FlywayConnectionDetails, JdbcConnectionDetails {

    private final String jdbcUrl;

    private final @Nullable String username;

    private final @Nullable String password;

    PgConnFlywayConnectionDetails(ConnConfig config, @Nullable String sslBundle) {
        this.jdbcUrl = PgjdbcUrl.of(config, sslBundle);
        this.username = config.user();
        this.password = PgjdbcPassword.of(config);
    }

    @Override
    public String getJdbcUrl() {
        return this.jdbcUrl;
    }

    @Override
    public @Nullable String getUsername() {
        return this.username;
    }

    /**
     * The factory's password, or the one its own password file holds for every host ({@link PgjdbcPassword});
     * {@code null} leaves it to pgjdbc's lookup of {@code ~/.pgpass}, {@code PGPASSFILE} or
     * {@code org.postgresql.pgpassfile}.
     */
    @Override
    public @Nullable String getPassword() {
        return this.password;
    }

    @Override
    public String getDriverClassName() {
        return "org.postgresql.Driver";
    }

    @Override
    public String toString() {
        return "PgConnFlywayConnectionDetails[jdbcUrl=" + this.jdbcUrl + ", username=" + this.username
                + (this.password != null ? ", password=***" : "") + "]";
    }
}
