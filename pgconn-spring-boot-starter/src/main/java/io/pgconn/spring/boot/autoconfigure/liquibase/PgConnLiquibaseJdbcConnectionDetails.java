package io.pgconn.spring.boot.autoconfigure.liquibase;

import io.pgconn.config.ConnConfig;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Boot's JDBC connection details from the same settings as {@link PgConnLiquibaseConnectionDetails}, when nothing
 * else gives one (no Flyway details of the starter's): Boot 4 runs Liquibase's auto-configuration only when there is
 * a {@code DataSource}, a {@code JdbcConnectionDetails} or {@code spring.liquibase.url}.
 */
public final class PgConnLiquibaseJdbcConnectionDetails extends PgjdbcConnectionDetails implements JdbcConnectionDetails {

    PgConnLiquibaseJdbcConnectionDetails(ConnConfig config, @Nullable String sslBundle) {
        super(config, sslBundle, "spring.liquibase");
    }
}
