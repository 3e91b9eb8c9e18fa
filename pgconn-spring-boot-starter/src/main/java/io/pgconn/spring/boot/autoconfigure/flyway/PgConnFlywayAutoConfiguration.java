package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcConnectionDetails;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcUrl;
import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

import javax.sql.DataSource;

/**
 * Flyway on the starter's settings: with Boot's Flyway auto-configuration on the classpath, a
 * {@link PgConnFlywayConnectionDetails} from the auto-configured {@link PgConnectionFactory}'s configuration (so
 * {@code pg.conn.*} or the application's {@code PgConnConnectionDetails}, and its customizers), to the primary.
 * Backs off when the application says where Flyway or JDBC connects: {@code spring.flyway.url},
 * {@code spring.datasource.url}, or a {@link FlywayConnectionDetails}, {@link JdbcConnectionDetails} or
 * {@code DataSource} bean of its own (e.g. {@code @ServiceConnection}; Boot's Flyway prefers connection details with a
 * URL over the application's DataSource, REVIEW-22 F22-5), and with {@code spring.flyway.enabled=false}; the
 * starter's own {@link PgjdbcConnectionDetails} (Liquibase's) do not count. A setting pgjdbc cannot take alike fails start-up naming it ({@link PgjdbcUrl}).
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class,
        beforeName = {"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnClass({Flyway.class, FlywayConnectionDetails.class, PgConnectionFactory.class})
@ConditionalOnBean(PgConnectionFactory.class)
@ConditionalOnMissingBean(value = {FlywayConnectionDetails.class, JdbcConnectionDetails.class, DataSource.class},
        ignored = PgjdbcConnectionDetails.class)
@ConditionalOnBooleanProperty(name = "spring.flyway.enabled", matchIfMissing = true)
@Conditional(PgConnFlywayAutoConfiguration.NoUrlOfItsOwn.class)
public final class PgConnFlywayAutoConfiguration {

    @Bean
    PgConnFlywayConnectionDetails pgConnFlywayConnectionDetails(PgConnectionFactory pgConnectionFactory,
            PgConnProperties properties) {
        return new PgConnFlywayConnectionDetails(pgConnectionFactory.config(), properties.getSsl().getBundle());
    }

    /** Neither {@code spring.flyway.url} nor {@code spring.datasource.url} is set. */
    static final class NoUrlOfItsOwn extends NoneNestedConditions {

        NoUrlOfItsOwn() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("spring.flyway.url")
        static final class FlywayUrl {
        }

        @ConditionalOnProperty("spring.datasource.url")
        static final class DataSourceUrl {
        }
    }
}
