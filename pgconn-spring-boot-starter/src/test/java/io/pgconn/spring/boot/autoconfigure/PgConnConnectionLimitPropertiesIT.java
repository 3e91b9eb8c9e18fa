package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pg.conn.*} properties of session 22 (before, only pg.conn.url's keywords set them) reach the connections
 * the starter's factory makes, one of each kind of value, against a real PostgreSQL over TLS with SCRAM: a size
 * ({@code max-message-size}: a row over it fails, one under it does not), an int ({@code min-scram-iterations} above
 * the server's 4096: the login is refused), a boolean ({@code extension-types-required}: a failed type lookup fails the
 * connect, not without it), an enum ({@code ssl.provider}: jdk connects, openssl only where Netty's OpenSSL loads) and
 * the durations ({@code tcp-user-timeout}, {@code blocking-wait-spin}: the factory connects with them; their effect on
 * the socket and on a blocked caller is core's, DialerTest and SpinThenParkFutureTest).
 */
class PgConnConnectionLimitPropertiesIT {

    private static final String TYPES_DATABASE = "types_app";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-limits").tls()
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE " + TYPES_DATABASE)
            .build();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                    "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.ssl.mode=verify-full", "pg.conn.extension-types=",
                    "pg.conn.startup-check=none");

    private ApplicationContextRunner onTheServer(String... properties) {
        return runner.withPropertyValues("pg.conn.hosts=localhost:" + PG.primary().port(),
                "pg.conn.ssl.root-cert=" + PG.tls().caCertificate()).withPropertyValues(properties);
    }

    private static PgConnectionFactory factory(ApplicationContext context) {
        return context.getBean(PgConnectionFactory.class);
    }

    private static PgConnection connect(ApplicationContext context) throws Exception {
        return factory(context).connect().get(30, TimeUnit.SECONDS);
    }

    /** The failure of {@code future} (its cause, as the core failed it). */
    private static Throwable failureOf(CompletableFuture<?> future) {
        ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> future.get(30, TimeUnit.SECONDS));
        assertThat(failed).as("a failure").isNotNull();
        return failed.getCause();
    }

    @Test
    void maxMessageSizeRefusesALargerRowFromTheServer() {
        onTheServer("pg.conn.max-message-size=64KB").run(context -> {
            PgConnection connection = connect(context);
            try {
                assertThat(connection.simpleQuery("SELECT repeat('x', 60000)").get(30, TimeUnit.SECONDS).singleValue())
                        .hasSize(60000);
                assertThat(failureOf(connection.simpleQuery("SELECT repeat('x', 70000)")))
                        .hasMessageContaining("over the limit of 65536 bytes");
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
        });
        onTheServer().run(context -> {
            PgConnection connection = connect(context);
            try {
                assertThat(connection.simpleQuery("SELECT repeat('x', 70000)").get(30, TimeUnit.SECONDS).singleValue())
                        .as("under the default 1GB").hasSize(70000);
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
        });
    }

    /** The server's verifier has 4096 iterations (scram_iterations' default): above that minimum the login is refused. */
    @Test
    void minScramIterationsAboveTheServersRefusesTheLogin() {
        onTheServer("pg.conn.min-scram-iterations=5000").run(context -> assertThat(failureOf(factory(context).connect()))
                .hasMessageContaining("4096").hasMessageContaining("below minScramIterations=5000"));
        onTheServer("pg.conn.min-scram-iterations=4096").run(context -> connect(context).close().get(10, TimeUnit.SECONDS));
    }

    /**
     * The type lookup fails in a database where the user may not run {@code to_regtype}: with
     * {@code extension-types-required} the connect fails, without it the connection is used without the types.
     */
    @Test
    void extensionTypesRequiredFailsAConnectWhoseTypeLookupFailed() {
        PG.primary().execute(TYPES_DATABASE, "REVOKE EXECUTE ON FUNCTION pg_catalog.to_regtype(text) FROM PUBLIC");
        String[] lookupFails = { "pg.conn.database=" + TYPES_DATABASE, "pg.conn.extension-types=hstore" };
        onTheServer(lookupFails).withPropertyValues("pg.conn.extension-types-required=true")
                .run(context -> assertThat(failureOf(factory(context).connect()))
                        .hasMessageContaining("extension type discovery failed").hasMessageContaining("to_regtype"));
        onTheServer(lookupFails).run(context -> {
            PgConnection connection = connect(context);
            try {
                assertThat(connection.typeOid("hstore")).isEmpty();
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
        });
    }

    @Test
    void sslProviderIsTheOneTheConnectionIsMadeWith() {
        onTheServer("pg.conn.ssl.provider=jdk").run(context -> {
            PgConnection connection = connect(context);
            try {
                assertThat(connection.tlsProtocol()).isPresent();
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
        });
        onTheServer("pg.conn.ssl.provider=openssl").run(context -> {
            if (OpenSsl.isAvailable()) {
                connect(context).close().get(10, TimeUnit.SECONDS);
            } else { // netty-tcnative is optional in core, so not on this module's class path
                assertThat(failureOf(factory(context).connect()))
                        .hasMessageContaining("sslprovider=openssl requested, but Netty's OpenSSL is not available");
            }
        });
    }

    @Test
    void theDurationsAreTheOnesTheFactoryConnectsWith() {
        onTheServer("pg.conn.tcp-user-timeout=30s", "pg.conn.blocking-wait-spin=100us").run(context -> {
            ConnConfig config = factory(context).config();
            assertThat(config.tcpUserTimeoutMillis()).isEqualTo(30_000);
            assertThat(config.blockingWaitSpin()).isEqualTo(Duration.ofNanos(100_000));
            PgConnection connection = connect(context);
            try {
                assertThat(connection.simpleQuery("SELECT 1").get(10, TimeUnit.SECONDS).singleValue()).isEqualTo("1");
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
        });
    }
}
