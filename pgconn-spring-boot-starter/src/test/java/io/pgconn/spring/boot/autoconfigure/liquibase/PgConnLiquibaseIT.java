package io.pgconn.spring.boot.autoconfigure.liquibase;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
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
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liquibase runs its changelog through {@link PgConnLiquibaseConnectionDetails} with only {@code pg.conn.*} set (no
 * {@code spring.liquibase.url/user/password}, no DataSource): the standby listed first is skipped
 * ({@code targetServerType=primary}; the changelog there would fail read-only), and the application's pgconn
 * factory sees the created table.
 */
@Tag("liquibase")
class PgConnLiquibaseIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-liquibase").standbys(1)
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
            .build();

    @Test
    void liquibaseRunsItsChangelogOnThePrimaryWithOnlyPgConnPropertiesAndTheFactorySeesTheTable() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnLiquibaseAutoConfiguration.class, LiquibaseAutoConfiguration.class))
                .withPropertyValues(
                        "pg.conn.hosts=" + StarterCluster.label(PG.standby(0)) + "," + StarterCluster.label(PG.primary()),
                        "pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.ssl.mode=disable",
                        "pg.conn.target-session-attrs=read-write", "pg.conn.extension-types=", "pg.conn.startup-check=none",
                        "spring.liquibase.change-log=classpath:db/pgconn-liquibase-it/changelog.sql")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PgConnLiquibaseConnectionDetails.class);
                    PgConnection connection = context.getBean(PgConnectionFactory.class).connect().get(20, TimeUnit.SECONDS);
                    try {
                        assertThat(connection.host()).isEqualTo(StarterCluster.label(PG.primary()));
                        assertThat(connection.query("SELECT label FROM parcels").get(10, TimeUnit.SECONDS)
                                .row(0).get("label")).isEqualTo("sent");
                        assertThat(connection.query("SELECT count(*)::text AS n FROM databasechangelog WHERE id = '1'")
                                .get(10, TimeUnit.SECONDS).row(0).get("n")).isEqualTo("1");
                    } finally {
                        connection.close().get(10, TimeUnit.SECONDS);
                    }
                });
    }
}
