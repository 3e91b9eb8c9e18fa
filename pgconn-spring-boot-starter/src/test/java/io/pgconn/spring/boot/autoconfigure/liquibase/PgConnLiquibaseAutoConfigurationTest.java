package io.pgconn.spring.boot.autoconfigure.liquibase;

import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.flyway.PgConnFlywayAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.flyway.PgConnFlywayConnectionDetails;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PgConnLiquibaseAutoConfiguration}: when its {@link LiquibaseConnectionDetails} (and JDBC details) are there,
 * when it backs off, and that the URL and refusals are the Flyway details' ({@code PgjdbcUrl}, tested in
 * {@code PgConnFlywayAutoConfigurationTest}) naming Liquibase's own settings. Tagged {@code liquibase}: only the
 * {@code migrations-test}/{@code migrations-it} runs have Liquibase and spring-jdbc on the classpath (the starter's
 * pom).
 */
@Tag("liquibase")
class PgConnLiquibaseAutoConfigurationTest {

    private static final String SECRET = "s3cret-Pa55";

    private static final String URL = "jdbc:postgresql://db-a:5432,db-b:5433/shop?targetServerType=primary&sslmode=prefer";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnLiquibaseAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db-a:5432,db-b:5433", "pg.conn.database=shop", "pg.conn.username=app",
                    "pg.conn.password=" + SECRET, "pg.conn.startup-check=none");

    @Test
    void onlyPgConnPropertiesGiveLiquibaseAndJdbcDetailsToThePrimaryWithoutTheSecretInUrlOrToString() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(LiquibaseConnectionDetails.class).hasSingleBean(JdbcConnectionDetails.class);
            LiquibaseConnectionDetails details = context.getBean(LiquibaseConnectionDetails.class);
            assertThat(details.getJdbcUrl()).isEqualTo(URL);
            assertThat(details.getUsername()).isEqualTo("app");
            assertThat(details.getPassword()).isEqualTo(SECRET);
            assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
            assertThat(details.toString()).doesNotContain(SECRET).contains("password=***", "targetServerType=primary");
            JdbcConnectionDetails jdbc = context.getBean(JdbcConnectionDetails.class);
            assertThat(jdbc).isInstanceOf(PgConnLiquibaseJdbcConnectionDetails.class);
            assertThat(jdbc.getJdbcUrl()).isEqualTo(URL);
            assertThat(jdbc.toString()).doesNotContain(SECRET);
        });
    }

    @Test
    void nextToTheFlywayDetailsThereIsOneJdbcDetailsTheirs() {
        this.runner.withConfiguration(AutoConfigurations.of(PgConnFlywayAutoConfiguration.class)).run(context -> {
            assertThat(context).hasSingleBean(LiquibaseConnectionDetails.class)
                    .hasSingleBean(PgConnFlywayConnectionDetails.class);
            assertThat(context.getBean(JdbcConnectionDetails.class)).isInstanceOf(PgConnFlywayConnectionDetails.class);
        });
        this.runner.withConfiguration(AutoConfigurations.of(PgConnFlywayAutoConfiguration.class))
                .withPropertyValues("spring.flyway.enabled=false").run(context -> {
                    assertThat(context).hasSingleBean(LiquibaseConnectionDetails.class);
                    assertThat(context.getBean(JdbcConnectionDetails.class))
                            .isInstanceOf(PgConnLiquibaseJdbcConnectionDetails.class);
                });
    }

    @Test
    void aSettingPgjdbcCannotTakeAlikeFailsStartupNamingItAndLiquibasesOwnSettings() {
        this.runner.withPropertyValues("pg.conn.ssl.root-cert=system").run(context -> assertThat(context).getFailure()
                .rootCause().isInstanceOf(InvalidPgConnPropertyException.class).hasMessageContaining("pg.conn.ssl.root-cert")
                .hasMessageContaining("spring.liquibase.url").hasMessageNotContaining(SECRET));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"spring.liquibase.url=jdbc:postgresql://other/db", "spring.datasource.url=jdbc:postgresql://other/db",
            "spring.liquibase.enabled=false"})
    void backsOffWhenTheApplicationSaysWhereToConnect(String property) {
        this.runner.withPropertyValues(property).run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(LiquibaseConnectionDetails.class).doesNotHaveBean(JdbcConnectionDetails.class));
    }

    @Test
    void backsOffForTheApplicationsOwnLiquibaseConnectionDetails() {
        LiquibaseConnectionDetails own = new LiquibaseConnectionDetails() {
            @Override public String getJdbcUrl() { return "jdbc:postgresql://own/db"; }
            @Override public String getUsername() { return "own"; }
            @Override public String getPassword() { return "own"; }
        };
        this.runner.withBean(LiquibaseConnectionDetails.class, () -> own).run(context -> assertThat(context)
                .getBean(LiquibaseConnectionDetails.class).isSameAs(own));
    }

    @Test
    void backsOffForTheApplicationsOwnJdbcConnectionDetails() {
        JdbcConnectionDetails own = new JdbcConnectionDetails() {
            @Override public String getJdbcUrl() { return "jdbc:postgresql://own/db"; }
            @Override public String getUsername() { return "own"; }
            @Override public String getPassword() { return "own"; }
        };
        this.runner.withBean(JdbcConnectionDetails.class, () -> own).run(context -> assertThat(context)
                .doesNotHaveBean(LiquibaseConnectionDetails.class).getBean(JdbcConnectionDetails.class).isSameAs(own));
    }

    @Test
    void backsOffForTheApplicationsOwnDataSource() {
        DataSource own = new SimpleDriverDataSource();
        this.runner.withBean(DataSource.class, () -> own).run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(LiquibaseConnectionDetails.class).doesNotHaveBean(JdbcConnectionDetails.class));
    }

    @Test
    void backsOffWithoutLiquibase() {
        this.runner.withClassLoader(new FilteredClassLoader(SpringLiquibase.class)).run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(LiquibaseConnectionDetails.class));
    }
}
