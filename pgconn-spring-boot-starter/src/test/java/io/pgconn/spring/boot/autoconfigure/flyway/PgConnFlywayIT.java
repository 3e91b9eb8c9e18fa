package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.ConnConfigCustomizer;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway migrates through {@link PgConnFlywayConnectionDetails} with only {@code pg.conn.*} set (no
 * {@code spring.flyway.url/user/password}, no DataSource): the standby listed first is skipped
 * ({@code targetServerType=primary}; a migration there would fail read-only), and the application's pgconn
 * factory sees the migrated table and enum; the factory's {@code options} and startup parameters reach Flyway's
 * session, so unqualified DDL and {@code flyway_schema_history} land in the configured schema (REVIEW-22 F22-6), all
 * but its statement and session timeouts (REVIEW-23 R23-2).
 */
@Tag("flyway")
class PgConnFlywayIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-flyway").standbys(1)
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
            .build();

    @Test
    void flywayMigratesThePrimaryWithOnlyPgConnPropertiesAndTheFactorySeesTheTable() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnFlywayAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withPropertyValues(
                        "pg.conn.hosts=" + StarterCluster.label(PG.standby(0)) + "," + StarterCluster.label(PG.primary()),
                        "pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.ssl.mode=disable",
                        "pg.conn.target-session-attrs=read-write", "pg.conn.extension-types=", "pg.conn.startup-check=none",
                        "spring.flyway.locations=classpath:db/pgconn-flyway-it")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PgConnFlywayConnectionDetails.class);
                    PgConnection connection = context.getBean(PgConnectionFactory.class).connect().get(20, TimeUnit.SECONDS);
                    try {
                        assertThat(connection.host()).isEqualTo(StarterCluster.label(PG.primary()));
                        assertThat(connection.query("SELECT status::text AS status FROM orders").get(10, TimeUnit.SECONDS)
                                .row(0).get("status")).isEqualTo("paid");
                        assertThat(connection.query("SELECT max(version) AS v FROM flyway_schema_history")
                                .get(10, TimeUnit.SECONDS).row(0).get("v")).isEqualTo("1");
                    } finally {
                        connection.close().get(10, TimeUnit.SECONDS);
                    }
                });
    }

    /**
     * REVIEW-22 F22-6: before, search_path and options were dropped and the migration landed in {@code public};
     * REVIEW-23 R23-2: the application's 1 ms statement and lock timeouts do not bound the migration.
     */
    @Test
    void theFactorysSearchPathAndOptionsReachFlywaysSession() {
        PG.primary().execute(StarterCluster.USER, "CREATE SCHEMA IF NOT EXISTS shop_it AUTHORIZATION " + StarterCluster.USER);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnFlywayAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withBean(ConnConfigCustomizer.class, () -> builder -> builder.options("-c statement_timeout=1ms -c maintenance_work_mem=77MB"))
                .withPropertyValues(
                        "pg.conn.hosts=" + StarterCluster.label(PG.standby(0)) + "," + StarterCluster.label(PG.primary()),
                        "pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.ssl.mode=disable",
                        "pg.conn.startup-parameters[search_path]=shop_it, public", "pg.conn.startup-parameters[lock_timeout]=1ms",
                        "pg.conn.startup-parameters[work_mem]=9MB",
                        "pg.conn.extension-types=", "pg.conn.startup-check=none",
                        "spring.flyway.locations=classpath:db/pgconn-flyway-schema-it")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(PG.primary().queryValue(StarterCluster.USER, "SELECT to_regclass('public.carried') IS NULL")).isEqualTo("t");
        assertThat(PG.primary().queryValue(StarterCluster.USER,
                "SELECT concat_ws('|', search_path, work_mem, maintenance_work_mem, statement_timeout, lock_timeout)"
                        + " FROM shop_it.carried"))
                .isEqualTo("shop_it, public|9MB|77MB|0|0");
        assertThat(PG.primary().queryValue(StarterCluster.USER, "SELECT max(version) FROM shop_it.flyway_schema_history"))
                .isEqualTo("1");
    }
}
