package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.config.ConnConfig;
import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PgConnFlywayAutoConfiguration}: when its {@link FlywayConnectionDetails} is there, when it backs off, the
 * pgjdbc URL it derives from {@code pg.conn.*}, and the settings it refuses. Tagged {@code flyway}: only the
 * {@code flyway} test runs have Flyway and spring-jdbc on the classpath (the starter's pom).
 */
@Tag("flyway")
class PgConnFlywayAutoConfigurationTest {

    private static final String SECRET = "s3cret-Pa55";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnFlywayAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db-a:5432,db-b:5433", "pg.conn.database=shop", "pg.conn.username=app",
                    "pg.conn.password=" + SECRET, "pg.conn.startup-check=none");

    @Test
    void onlyPgConnPropertiesGiveFlywayAndJdbcDetailsToThePrimaryWithoutTheSecretInUrlOrToString() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(FlywayConnectionDetails.class).hasSingleBean(JdbcConnectionDetails.class);
            FlywayConnectionDetails details = context.getBean(FlywayConnectionDetails.class);
            assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://db-a:5432,db-b:5433/shop?targetServerType=primary&sslmode=prefer");
            assertThat(details.getUsername()).isEqualTo("app");
            assertThat(details.getPassword()).isEqualTo(SECRET);
            assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
            assertThat(details.toString()).doesNotContain(SECRET).contains("password=***", "targetServerType=primary");
        });
    }

    @Test
    void bootsFlywayRunsOnThemWithOnlyPgConnProperties() {
        this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                .withBean(FlywayMigrationStrategy.class, () -> flyway -> { })
                .run(context -> {
                    assertThat(context).hasSingleBean(Flyway.class);
                    assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
                            .isInstanceOfSatisfying(SimpleDriverDataSource.class, dataSource -> {
                                assertThat(dataSource.getUrl()).isEqualTo(
                                        "jdbc:postgresql://db-a:5432,db-b:5433/shop?targetServerType=primary&sslmode=prefer");
                                assertThat(dataSource.getUsername()).isEqualTo("app");
                            });
                });
    }

    /** New user 22's F2: before, Boot's Flyway did not run at all with only {@code pg.conn.*} (no DataSource, no URL). */
    @Test
    void withoutThemBootsFlywayDoesNotRunOnPgConnProperties() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=db-a:5432", "pg.conn.startup-check=none")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Flyway.class));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            pg.conn.application-name=shop                            | ?targetServerType=primary&sslmode=prefer
            pg.conn.target-session-attrs=prefer-standby              | ?targetServerType=primary&sslmode=prefer
            pg.conn.target-session-attrs=read-write                  | ?targetServerType=primary&sslmode=prefer
            pg.conn.ssl.mode=verify-full                             | ?targetServerType=primary&sslmode=verify-full
            pg.conn.ssl.mode=disable                                 | ?targetServerType=primary&sslmode=disable
            pg.conn.ssl.root-cert=/etc/pg ca/root.crt                | ?targetServerType=primary&sslmode=prefer&sslrootcert=%2Fetc%2Fpg%20ca%2Froot.crt
            pg.conn.ssl.mode=require;pg.conn.ssl.negotiation=direct  | ?targetServerType=primary&sslmode=require&sslNegotiation=direct
            pg.conn.channel-binding=require                          | ?targetServerType=primary&sslmode=prefer&channelBinding=require
            pg.conn.channel-binding=disable                          | ?targetServerType=primary&sslmode=prefer&channelBinding=disable
            """)
    void mapsWhatPgjdbcSpellsAlike(String property, String query) {
        this.runner.withPropertyValues(property.split(";")).run(context -> assertThat(
                context.getBean(FlywayConnectionDetails.class).getJdbcUrl())
                .isEqualTo("jdbc:postgresql://db-a:5432,db-b:5433/shop" + query));
    }

    @Test
    void anIpv6HostIsBracketedAndADatabaseNameEncoded() {
        this.runner.withPropertyValues("pg.conn.hosts=[::1]:5432", "pg.conn.database=my shop/eu").run(context -> assertThat(
                context.getBean(FlywayConnectionDetails.class).getJdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5432/my%20shop%2Feu?targetServerType=primary&sslmode=prefer"));
    }

    @Test
    void aSettingPgjdbcCannotTakeAlikeFailsStartupNamingIt() {
        this.runner.withPropertyValues("pg.conn.ssl.root-cert=system").run(context -> assertThat(context).getFailure()
                .rootCause().isInstanceOf(InvalidPgConnPropertyException.class).hasMessageContaining("pg.conn.ssl.root-cert")
                .hasMessageContaining("spring.flyway.url").hasMessageNotContaining(SECRET));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            postgresql://db-a/shop?sslcert=/tmp/c.crt&sslkey=/tmp/c.key | pg.conn.ssl.cert
            postgresql://db-a/shop?sslcrl=/tmp/root.crl                 | sslcrl
            postgresql:///shop?host=/var/run/postgresql                 | pg.conn.hosts
            """)
    void refusesWhatPgjdbcCannotTakeAlike(String connectionString, String property) {
        assertThatThrownBy(() -> PgjdbcUrl.of(ConnConfig.parse(connectionString), null))
                .isInstanceOf(InvalidPgConnPropertyException.class).hasMessageContaining(property)
                .hasMessageContaining("spring.flyway.url");
    }

    @Test
    void refusesAnSslBundle() {
        assertThatThrownBy(() -> PgjdbcUrl.of(ConnConfig.parse("postgresql://db-a/shop"), "pg"))
                .isInstanceOf(InvalidPgConnPropertyException.class).hasMessageContaining("pg.conn.ssl.bundle");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"spring.flyway.url=jdbc:postgresql://other/db", "spring.datasource.url=jdbc:postgresql://other/db",
            "spring.flyway.enabled=false"})
    void backsOffWhenTheApplicationSaysWhereToConnect(String property) {
        this.runner.withPropertyValues(property).run(context -> assertThat(context)
                .doesNotHaveBean(FlywayConnectionDetails.class).doesNotHaveBean(JdbcConnectionDetails.class));
    }

    @Test
    void backsOffForTheApplicationsOwnFlywayConnectionDetails() {
        FlywayConnectionDetails own = new FlywayConnectionDetails() {
            @Override public String getJdbcUrl() { return "jdbc:postgresql://own/db"; }
            @Override public String getUsername() { return "own"; }
            @Override public String getPassword() { return "own"; }
        };
        this.runner.withBean(FlywayConnectionDetails.class, () -> own).run(context -> assertThat(context)
                .getBean(FlywayConnectionDetails.class).isSameAs(own));
    }

    @Test
    void backsOffForTheApplicationsOwnDataSource() {
        // REVIEW-22 F22-5: Boot's Flyway takes connection details with a URL before the application's DataSource
        DataSource own = new SimpleDriverDataSource();
        this.runner.withBean(DataSource.class, () -> own).run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(FlywayConnectionDetails.class).doesNotHaveBean(JdbcConnectionDetails.class));
    }

    @Test
    void backsOffWithoutFlyway() {
        this.runner.withClassLoader(new FilteredClassLoader(Flyway.class)).run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(FlywayConnectionDetails.class));
    }
}
