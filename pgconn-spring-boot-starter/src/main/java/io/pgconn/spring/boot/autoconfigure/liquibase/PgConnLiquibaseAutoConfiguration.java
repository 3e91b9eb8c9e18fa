package io.pgconn.spring.boot.autoconfigure.liquibase;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcConnectionDetails;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcUrl;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

/**
 * Liquibase on the starter's settings, as {@code PgConnFlywayAutoConfiguration} does it for Flyway: with Boot's
 * Liquibase auto-configuration on the classpath, a {@link PgConnLiquibaseConnectionDetails} from the auto-configured
 * {@link PgConnectionFactory}'s configuration, to the primary, and a {@link PgConnLiquibaseJdbcConnectionDetails}
 * when the starter's Flyway details are not there to be the {@link JdbcConnectionDetails} Boot 4 asks for. Backs off
 * when the application says where Liquibase or JDBC connects: {@code spring.liquibase.url},
 * {@code spring.datasource.url}, or a {@link LiquibaseConnectionDetails}, {@link JdbcConnectionDetails} or
 * {@code DataSource} bean of its own (the starter's own {@link PgjdbcConnectionDetails} do not count), and with
 * {@code spring.liquibase.enabled=false}. A setting pgjdbc cannot take alike fails start-up naming it
 * ({@link PgjdbcUrl}).
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class,
        afterName = "io.pgconn.spring.boot.autoconfigure.flyway.PgConnFlywayAutoConfiguration",
        beforeName = {"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnClass({SpringLiquibase.class, LiquibaseConnectionDetails.class, PgConnectionFactory.class})
@ConditionalOnBean(PgConnectionFactory.class)
@ConditionalOnMissingBean(value = {LiquibaseConnectionDetails.class, JdbcConnectionDetails.class, DataSource.class},
        ignored = PgjdbcConnectionDetails.class)
@ConditionalOnBooleanProperty(name = "spring.liquibase.enabled", matchIfMissing = true)
@Conditional(PgConnLiquibaseAutoConfiguration.NoUrlOfItsOwn.class)
public final class PgConnLiquibaseAutoConfiguration {

    @Bean
    PgConnLiquibaseConnectionDetails pgConnLiquibaseConnectionDetails(PgConnectionFactory pgConnectionFactory,
            PgConnProperties properties) {
        return new PgConnLiquibaseConnectionDetails(pgConnectionFactory.config(), properties.getSsl().getBundle());
    }

    /** The {@code JdbcConnectionDetails} Boot's Liquibase needs, unless the starter's Flyway details are it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(JdbcConnectionDetails.class)
    static class JdbcDetails {

        @Bean
        PgConnLiquibaseJdbcConnectionDetails pgConnLiquibaseJdbcConnectionDetails(PgConnectionFactory pgConnectionFactory,
                PgConnProperties properties) {
            return new PgConnLiquibaseJdbcConnectionDetails(pgConnectionFactory.config(), properties.getSsl().getBundle());
        }
    }

    /** Neither {@code spring.liquibase.url} nor {@code spring.datasource.url} is set. */
    static final class NoUrlOfItsOwn extends NoneNestedConditions {

        NoUrlOfItsOwn() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("spring.liquibase.url")
        static final class LiquibaseUrl {
        }

        @ConditionalOnProperty("spring.datasource.url")
        static final class DataSourceUrl {
        }
    }
}
