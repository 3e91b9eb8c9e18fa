package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.config.ConnConfig;
import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.pgjdbc.PgjdbcUrl;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import com.zaxxer.hikari.HikariDataSource;
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

    /**
     * REVIEW-22 F22-8, why the details are a {@code JdbcConnectionDetails} too: Boot 4's Flyway runs only with a
     * {@code DataSource} bean, a {@code JdbcConnectionDetails} bean or {@code spring.flyway.url}
     * ({@code FlywayAutoConfiguration.FlywayDataSourceCondition}), so a {@code FlywayConnectionDetails} alone, URL
     * and all, migrates nothing. Should Boot drop that condition, this fails and the second type can go.
     */
    @Test
    void bootsFlywayDoesNotRunOnAFlywayConnectionDetailsAlone() {
        FlywayConnectionDetails only = new FlywayConnectionDetails() {
            @Override public String getJdbcUrl() { return "jdbc:postgresql://db-a:5432/shop"; }
            @Override public String getUsername() { return "app"; }
            @Override public String getPassword() { return SECRET; }
        };
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                .withBean(FlywayConnectionDetails.class, () -> only)
                .withBean(FlywayMigrationStrategy.class, () -> flyway -> { })
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Flyway.class));
    }

    /**
     * REVIEW-22 F22-8, the cost the README names: without an R2DBC {@code ConnectionFactory} and with a pool on the
     * class path, Boot's {@code DataSource} is a Hikari pool on these details, to the primary; it opens nothing until
     * first used. Without {@code DataSourceAutoConfiguration} ({@code spring.autoconfigure.exclude}) there is no
     * {@code DataSource} and Flyway still runs on its own unpooled one.
     */
    @Test
    void bootsDataSourceIsAnUnstartedPoolOnThemAndExcludingItKeepsFlyway() {
        this.runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withBean(FlywayMigrationStrategy.class, () -> flyway -> { })
                .run(context -> {
                    assertThat(context).hasSingleBean(Flyway.class);
                    assertThat(context.getBean(DataSource.class)).isInstanceOfSatisfying(HikariDataSource.class, pool -> {
                        assertThat(pool.getJdbcUrl()).isEqualTo(
                                "jdbc:postgresql://db-a:5432,db-b:5433/shop?targetServerType=primary&sslmode=prefer");
                        assertThat(pool.isRunning()).isFalse();
                    });
                });
        this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                .withBean(FlywayMigrationStrategy.class, () -> flyway -> { })
                .run(context -> {
                    assertThat(context).hasSingleBean(Flyway.class).doesNotHaveBean(DataSource.class);
                    assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
                            .isInstanceOf(SimpleDriverDataSource.class);
                });
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
            pg.conn.startup-parameters[search_path]=shop_it, public  | ?targetServerType=primary&sslmode=prefer&currentSchema=shop_it%2C%20public
            pg.conn.startup-parameters[work_mem]=8MB                 | ?targetServerType=primary&sslmode=prefer&options=-c%20work_mem%3D8MB
            pg.conn.startup-parameters[x.note]=5 min                 | ?targetServerType=primary&sslmode=prefer&options=-c%20x.note%3D5%5C%20min
            pg.conn.startup-parameters[statement_timeout]=5s         | ?targetServerType=primary&sslmode=prefer
            pg.conn.startup-parameters[lock_timeout]=1s              | ?targetServerType=primary&sslmode=prefer
            """)
    void mapsWhatPgjdbcSpellsAlike(String property, String query) {
        this.runner.withPropertyValues(property.split(";")).run(context -> assertThat(
                context.getBean(FlywayConnectionDetails.class).getJdbcUrl())
                .isEqualTo("jdbc:postgresql://db-a:5432,db-b:5433/shop" + query));
    }

    /**
     * REVIEW-22 F22-6: options and startup parameters were dropped, so migrations could land in another schema;
     * REVIEW-23 R23-2: the application's statement and session timeouts are not a migration's, in either.
     */
    @Test
    void optionsAndStartupParametersGoAsDashCWithoutTheTimeouts() {
        ConnConfig config = ConnConfig.parse("postgresql://db-a:5432/shop").toBuilder()
                .options("-c lock_timeout=1s --work_mem=8MB --statement-timeout=1s -cidle_session_timeout=9s "
                        + "-c search_path=a\\ b")
                .startupParameter("Search_Path", "shop_it").startupParameter("statement_timeout", "5min")
                .startupParameter("Transaction_Timeout", "5min").startupParameter("x.note", "a\\b").build();
        assertThat(PgjdbcUrl.of(config, null, "spring.flyway")).isEqualTo("jdbc:postgresql://db-a:5432/shop?targetServerType=primary&sslmode=prefer"
                + "&currentSchema=shop_it&options=--work_mem%3D8MB%20-c%20search_path%3Da%5C%20b%20-c%20x.note%3Da%5C%5Cb");
    }

    @Test
    void aStartupParameterPgjdbcOverridesFailsStartupNamingIt() {
        this.runner.withPropertyValues("pg.conn.startup-parameters[TimeZone]=UTC").run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidPgConnPropertyException.class)
                .hasMessageContaining("pg.conn.startup-parameters[TimeZone]").hasMessageContaining("spring.flyway.url")
                .hasMessageNotContaining(SECRET));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"datestyle,German", "TIMEZONE,UTC", "_pq_.ext,on"})
    void refusesAStartupParameterPgjdbcOverridesOrCannotSend(String name, String value) {
        ConnConfig config = ConnConfig.parse("postgresql://db-a/shop").toBuilder().startupParameter(name, value).build();
        assertThatThrownBy(() -> PgjdbcUrl.of(config, null, "spring.flyway")).isInstanceOf(InvalidPgConnPropertyException.class)
                .hasMessageContaining("pg.conn.startup-parameters[" + name + "]").hasMessageContaining("spring.flyway.url");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            -c TimeZone=UTC
            -cdatestyle=German
            --timezone=UTC
            -c statement_timeout=1s -c TIMEZONE=UTC
            """)
    void refusesOptionsSettingWhatPgjdbcOverrides(String options) {
        ConnConfig config = ConnConfig.parse("postgresql://db-a/shop").toBuilder().options(options).build();
        assertThatThrownBy(() -> PgjdbcUrl.of(config, null, "spring.flyway")).isInstanceOf(InvalidPgConnPropertyException.class)
                .hasMessageContaining("options").hasMessageContaining("spring.flyway.url");
    }

    /** REVIEW-22 F22-7: pgjdbc cannot read pg.conn's passfile, so Flyway logged in without a password. */
    @Test
    void aPassfileOfPgConnsGivesFlywayThePasswordEveryHostShares(@TempDir Path dir) throws IOException {
        Path passfile = passfile(dir, "db-a:5432:shop:app:" + SECRET + "\n*:5433:*:app:" + SECRET + "\n");
        PgConnFlywayConnectionDetails details = new PgConnFlywayConnectionDetails(
                ConnConfig.parse("postgresql://app@db-a:5432,db-b:5433/shop?passfile=" + passfile), null);
        assertThat(details.getPassword()).isEqualTo(SECRET);
        assertThat(details.getJdbcUrl()).doesNotContain(SECRET);
        assertThat(details.toString()).doesNotContain(SECRET).contains("password=***");
    }

    @Test
    void aPassfileWithAnotherPasswordPerHostFailsStartupNamingItNotThePasswords(@TempDir Path dir) throws IOException {
        Path passfile = passfile(dir, "db-a:5432:shop:app:" + SECRET + "\ndb-b:5433:shop:app:other-Pa55\n");
        ConnConfig config = ConnConfig.parse("postgresql://app@db-a:5432,db-b:5433/shop?passfile=" + passfile);
        assertThatThrownBy(() -> new PgConnFlywayConnectionDetails(config, null))
                .isInstanceOf(InvalidPgConnPropertyException.class).hasMessageContaining("passfile")
                .hasMessageContaining("spring.flyway.password").hasMessageNotContaining(SECRET)
                .hasMessageNotContaining("other-Pa55");
    }

    @Test
    void withoutPasswordOrPassfilePgjdbcLooksItsOwnPgpassUp() {
        PgConnFlywayConnectionDetails details = new PgConnFlywayConnectionDetails(
                ConnConfig.parse("postgresql://app@db-a:5432/shop"), null);
        assertThat(details.getPassword()).isNull();
        assertThat(details.toString()).doesNotContain("password");
    }

    private static Path passfile(Path dir, String lines) throws IOException {
        Path passfile = dir.resolve("pgpass");
        Files.writeString(passfile, lines);
        Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
        return passfile;
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
        assertThatThrownBy(() -> PgjdbcUrl.of(ConnConfig.parse(connectionString), null, "spring.flyway"))
                .isInstanceOf(InvalidPgConnPropertyException.class).hasMessageContaining(property)
                .hasMessageContaining("spring.flyway.url");
    }

    @Test
    void refusesAnSslBundle() {
        assertThatThrownBy(() -> PgjdbcUrl.of(ConnConfig.parse("postgresql://db-a/shop"), "pg", "spring.flyway"))
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
