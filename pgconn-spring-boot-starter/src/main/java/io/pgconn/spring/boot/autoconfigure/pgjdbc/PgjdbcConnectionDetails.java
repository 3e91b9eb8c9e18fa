package io.pgconn.spring.boot.autoconfigure.pgjdbc;

import io.pgconn.config.ConnConfig;
import org.jspecify.annotations.Nullable;

/**
 * A migration tool's connection (Boot's {@code FlywayConnectionDetails}, {@code LiquibaseConnectionDetails} and
 * {@code JdbcConnectionDetails} all ask for these four) derived from a factory's {@link ConnConfig}: the pgjdbc URL
 * to the primary ({@link PgjdbcUrl}), the user and the password ({@link PgjdbcPassword}). {@link #toString()} shows
 * the URL and the user, never the password (the URL has none). The starter's auto-configurations back off for
 * connection details of the application's, and not for these (their {@code ignored} type).
 */
public abstract class PgjdbcConnectionDetails {

    private final String jdbcUrl;

    private final @Nullable String username;

    private final @Nullable String password;

    /** {@code tool}: the prefix of the migration tool's own settings, e.g. {@code spring.flyway}, which a refusal names. */
    protected PgjdbcConnectionDetails(ConnConfig config, @Nullable String sslBundle, String tool) {
        this.jdbcUrl = PgjdbcUrl.of(config, sslBundle, tool);
        this.username = config.user();
        this.password = PgjdbcPassword.of(config, tool);
    }

    public String getJdbcUrl() {
        return this.jdbcUrl;
    }

    public @Nullable String getUsername() {
        return this.username;
    }

    /**
     * The factory's password, or the one its own password file holds for every host ({@link PgjdbcPassword});
     * {@code null} leaves it to pgjdbc's lookup of {@code ~/.pgpass}, {@code PGPASSFILE} or
     * {@code org.postgresql.pgpassfile}.
     */
    public @Nullable String getPassword() {
        return this.password;
    }

    public String getDriverClassName() {
        return "org.postgresql.Driver";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[jdbcUrl=" + this.jdbcUrl + ", username=" + this.username
                + (this.password != null ? ", password=***" : "") + "]";
    }
}
