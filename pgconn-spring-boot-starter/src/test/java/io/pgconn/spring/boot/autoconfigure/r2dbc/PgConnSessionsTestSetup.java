package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.ArrayList;
import java.util.List;

/**
 * The set-up the {@link PgConnSessions} ITs on a real server share: one server whose SCRAM user
 * ({@link StarterCluster#USER}) owns a database of its name, and an application context with the starter's R2DBC pool
 * and {@code PgConnSessions} over it, logging in as that user without TLS, with no session made in advance and no
 * start-up check.
 */
final class PgConnSessionsTestSetup {

    private PgConnSessionsTestSetup() {
    }

    /** The server, named {@code name}: register it with {@code @RegisterExtension} on a static field. */
    static PgClusterExtension cluster(String name) {
        return PgClusterExtension.builder().name(name)
                .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
                .build();
    }

    /** The context, with a pool of at most {@code poolMaxSize} sessions and {@code more} auto-configurations. */
    static ApplicationContextRunner runner(int poolMaxSize, Class<?>... more) {
        List<Class<?>> configurations = new ArrayList<>(List.of(PgConnAutoConfiguration.class,
                PgConnR2dbcAutoConfiguration.class, PgConnSessionsAutoConfiguration.class));
        configurations.addAll(List.of(more));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(configurations.toArray(Class<?>[]::new)))
                .withPropertyValues("pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.ssl.mode=disable", "pg.conn.extension-types=",
                        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=" + poolMaxSize);
    }

    /** {@code runner} on {@code pg}'s primary (known once the extension started it). */
    static ApplicationContextRunner onThePrimary(ApplicationContextRunner runner, PgClusterExtension pg) {
        return runner.withPropertyValues("pg.conn.hosts=" + StarterCluster.label(pg.primary()));
    }
}
