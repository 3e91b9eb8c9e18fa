package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.config.SslMode;
import io.pgconn.config.HostResolverKind;
import io.pgconn.config.SslProviderKind;
import io.pgconn.testing.RecordingTracer;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PgConnAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            // a host (PGHOST, which url and hosts override) and no start-up connect: these tests are about beans
            .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none");

    private static ConnConfig config(org.springframework.context.ApplicationContext context) {
        return context.getBean(PgConnectionFactory.class).config();
    }

    @Test
    void createsFactoryFromUrlAlone() {
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1:5433,db2:5434/app?user=alice&target_session_attrs=read-write")
                .run(context -> {
                    assertThat(context).hasSingleBean(PgConnectionFactory.class);
                    ConnConfig config = config(context);
                    assertThat(config.hosts()).containsExactly(HostSpec.of("db1", 5433), HostSpec.of("db2", 5434));
                    assertThat(config.database()).isEqualTo("app");
                    assertThat(config.user()).isEqualTo("alice");
                    assertThat(config.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_WRITE);
                });
    }

    @Test
    void discretePropertiesOverrideUrl() {
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1:5433/app?user=alice&sslmode=require",
                "pg.conn.hosts=primary:6000,standby:6001", "pg.conn.database=orders", "pg.conn.username=bob",
                "pg.conn.password=s3cret", "pg.conn.ssl.mode=verify-full", "pg.conn.ssl.root-cert=/etc/ca.pem",
                "pg.conn.target-session-attrs=prefer-standby", "pg.conn.connect-timeout=5s",
                "pg.conn.host-connect-timeout=500ms", "pg.conn.application-name=orders-service",
                "pg.conn.startup-parameters.search_path=orders", "pg.conn.cancel-grace=5s", "pg.conn.server-error-detail=true")
                .run(context -> {
                    ConnConfig config = config(context);
                    assertThat(config.hosts()).containsExactly(HostSpec.of("primary", 6000), HostSpec.of("standby", 6001));
                    assertThat(config.database()).isEqualTo("orders");
                    assertThat(config.user()).isEqualTo("bob");
                    assertThat(config.password()).isEqualTo("s3cret");
                    assertThat(config.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
                    assertThat(config.sslRootCert()).isEqualTo("/etc/ca.pem");
                    assertThat(config.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PREFER_STANDBY);
                    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(config.hostConnectTimeout()).isEqualTo(Duration.ofMillis(500));
                    assertThat(config.cancelGrace()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(config.serverErrorDetail()).isTrue();
                    assertThat(config.applicationName()).isEqualTo("orders-service");
                    assertThat(config.startupParameters()).containsEntry("search_path", "orders");
                });
    }

    /**
     * Session 22: core settings that only pg.conn.url's keywords reached bind as properties ("Unknown pgconn property"
     * before, seen failing), sizes as DataSize and durations as Duration, each overriding the URL's keyword.
     */
    @Test
    void connectionLimitsAndTuningArePropertiesThatOverrideTheUrl() {
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432").run(context -> {
            ConnConfig config = config(context);
            assertThat(config.maxMessageSize()).as("default").isEqualTo(1 << 30);
            assertThat(config.preAuthMaxMessageSize()).isEqualTo(64 * 1024);
            assertThat(config.minScramIterations()).isEqualTo(4096);
            assertThat(config.maxScramIterations()).isEqualTo(10_000_000);
            assertThat(config.extensionTypesRequired()).isFalse();
            assertThat(config.tcpUserTimeoutMillis()).isNull();
            assertThat(config.blockingWaitSpin()).isZero();
            assertThat(config.sslProvider()).isEqualTo(SslProviderKind.AUTO);
            assertThat(config.hostResolver()).isEqualTo(HostResolverKind.SYSTEM);
        });
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432", "pg.conn.max-message-size=16MB",
                "pg.conn.pre-auth-max-message-size=8KB", "pg.conn.min-scram-iterations=10000",
                "pg.conn.max-scram-iterations=200000", "pg.conn.extension-types-required=true",
                "pg.conn.tcp-user-timeout=30s", "pg.conn.blocking-wait-spin=100us", "pg.conn.ssl.provider=jdk",
                "pg.conn.host-resolver=netty-dns").run(context -> {
                    ConnConfig config = config(context);
                    assertThat(config.maxMessageSize()).isEqualTo(16 * 1024 * 1024);
                    assertThat(config.preAuthMaxMessageSize()).isEqualTo(8 * 1024);
                    assertThat(config.minScramIterations()).isEqualTo(10_000);
                    assertThat(config.maxScramIterations()).isEqualTo(200_000);
                    assertThat(config.extensionTypesRequired()).isTrue();
                    assertThat(config.tcpUserTimeoutMillis()).isEqualTo(30_000);
                    assertThat(config.blockingWaitSpin()).isEqualTo(Duration.ofNanos(100_000));
                    assertThat(config.sslProvider()).isEqualTo(SslProviderKind.JDK);
                    assertThat(config.hostResolver()).isEqualTo(HostResolverKind.NETTY_DNS);
                });
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1/app?maxMessageSize=1MiB&preAuthMaxMessageSize=2kB"
                        + "&minScramIterations=5000&maxScramIterations=6000&extensionTypesRequired=true&tcp_user_timeout=900"
                        + "&blockingWaitSpin=1ms&sslProvider=openssl",
                "pg.conn.max-message-size=2MB", "pg.conn.pre-auth-max-message-size=4KB", "pg.conn.min-scram-iterations=4096",
                "pg.conn.max-scram-iterations=8000", "pg.conn.extension-types-required=false", "pg.conn.tcp-user-timeout=1500",
                "pg.conn.blocking-wait-spin=0", "pg.conn.ssl.provider=jdk").run(context -> {
                    ConnConfig config = config(context);
                    assertThat(config.maxMessageSize()).as("the property wins over the URL").isEqualTo(2 * 1024 * 1024);
                    assertThat(config.preAuthMaxMessageSize()).isEqualTo(4 * 1024);
                    assertThat(config.minScramIterations()).isEqualTo(4096);
                    assertThat(config.maxScramIterations()).isEqualTo(8000);
                    assertThat(config.extensionTypesRequired()).isFalse();
                    assertThat(config.tcpUserTimeoutMillis()).as("a bare number is milliseconds, as libpq's").isEqualTo(1500);
                    assertThat(config.blockingWaitSpin()).isZero();
                    assertThat(config.sslProvider()).isEqualTo(SslProviderKind.JDK);
                });
    }

    /** NEW-USER-21 F5: one request in flight per connection behind a transaction-mode pooler, as a property. */
    @Test
    void pipeliningLimitIsAPropertyThatOverridesTheUrl() {
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432")
                .run(context -> assertThat(config(context).pipeliningLimit()).as("default: no limit").isZero());
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432", "pg.conn.pipelining-limit=1")
                .run(context -> assertThat(config(context).pipeliningLimit()).isEqualTo(1));
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1/app?pipeliningLimit=1", "pg.conn.pipelining-limit=0")
                .run(context -> assertThat(config(context).pipeliningLimit()).as("the property wins over the URL").isZero());
    }

    /**
     * NEW-USER-21 F1: behind PgBouncer in transaction mode the cache must be off, and there was no property for it
     * ("Unknown pgconn property"; only pg.conn.url's keyword). Seen failing before: the property did not bind.
     */
    @Test
    void preparedStatementCacheSizeIsAPropertyThatOverridesTheUrl() {
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432")
                .run(context -> assertThat(config(context).preparedStatementCacheSize()).as("default").isEqualTo(256));
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432", "pg.conn.prepared-statement-cache-size=0")
                .run(context -> assertThat(config(context).preparedStatementCacheSize()).isZero());
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1/app?preparedStatementCacheSize=0",
                        "pg.conn.prepared-statement-cache-size=16")
                .run(context -> assertThat(config(context).preparedStatementCacheSize()).as("the property wins over the URL")
                        .isEqualTo(16));
    }

    /** Session 16: core's serverErrorDetail had no property (only pg.conn.url's keyword set it). */
    @Test
    void serverErrorDetailIsAPropertyThatOverridesTheUrl() {
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432")
                .run(context -> assertThat(config(context).serverErrorDetail()).as("default").isFalse());
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432", "pg.conn.server-error-detail=true")
                .run(context -> assertThat(config(context).serverErrorDetail()).isTrue());
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1/app?serverErrorDetail=true", "pg.conn.server-error-detail=false")
                .run(context -> assertThat(config(context).serverErrorDetail()).as("the property wins over the URL").isFalse());
    }

    @Test
    void rootCertSystemSelectsTheJvmTrustStore() {
        this.runner.withPropertyValues("pg.conn.hosts=db1:5432", "pg.conn.ssl.mode=verify-full", "pg.conn.ssl.root-cert=system")
                .run(context -> assertThat(config(context).sslRootCert()).isEqualTo("system"));
    }

    @Test
    void userFactoryBeanWins() {
        this.runner.withUserConfiguration(UserFactoryConfiguration.class).withPropertyValues("pg.conn.hosts=ignored:1")
                .run(context -> {
                    assertThat(context).hasSingleBean(PgConnectionFactory.class);
                    assertThat(config(context).hosts()).containsExactly(HostSpec.of("mine", 7777));
                    assertThat(context).doesNotHaveBean(PgConnectionFactoryShutdown.class);
                });
    }

    @Test
    void customizersApplyInOrder() {
        this.runner.withUserConfiguration(CustomizerConfiguration.class).withPropertyValues("pg.conn.application-name=from-properties")
                .run(context -> assertThat(config(context).applicationName()).isEqualTo("first-then-second"));
    }

    @Test
    void userConnectionDetailsReplaceWhereAndAsWhom() {
        this.runner.withUserConfiguration(DetailsConfiguration.class)
                .withPropertyValues("pg.conn.url=postgresql://from-url:5432/urldb?user=urluser", "pg.conn.target-session-attrs=read-write")
                .run(context -> {
                    ConnConfig config = config(context);
                    assertThat(config.hosts()).containsExactly(HostSpec.of("embedded", 15432));
                    assertThat(config.user()).isEqualTo("app");
                    assertThat(config.database()).isEqualTo("appdb");
                    assertThat(config.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
                    assertThat(config.sslRootCert()).isEqualTo("/tmp/ca.pem");
                    assertThat(config.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_WRITE);
                    assertThat(context).doesNotHaveBean(PropertiesPgConnConnectionDetails.class);
                });
    }

    @Test
    void shutdownTimeoutDefaultsToTenSeconds() {
        this.runner.run(context -> assertThat(context.getBean(PgConnProperties.class).getShutdownTimeout())
                .isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void contextCloseClosesFactoryAndConnectFailsFastAfterwards() {
        PgConnectionFactory[] factory = new PgConnectionFactory[1];
        this.runner.withPropertyValues("pg.conn.shutdown-timeout=2s")
                .run(context -> factory[0] = context.getBean(PgConnectionFactory.class));
        assertThat(factory[0].isClosed()).isTrue();
        assertThat(factory[0].connect()).failsWithin(Duration.ofMillis(100))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(io.pgconn.PgClosedException.class)
                .withMessageContaining("closed");
    }

    @Test
    void tracerBeansObserveTheFactorysConnects() {
        int port = refusedPort();
        this.runner.withUserConfiguration(RecordingTracerConfiguration.class)
                .withPropertyValues("pg.conn.hosts=127.0.0.1:" + port, "pg.conn.ssl.mode=disable", "pg.conn.connect-timeout=2s")
                .run(context -> {
                    PgConnectionFactory factory = context.getBean(PgConnectionFactory.class);
                    assertThat(factory.connect()).failsWithin(Duration.ofSeconds(5));
                    List<Object> events = context.getBean(RecordingTracer.class).events();
                    assertThat(events).hasAtLeastOneElementOfType(PgTracer.ConnectStarted.class)
                            .hasAtLeastOneElementOfType(PgTracer.HostAttemptEnded.class);
                    assertThat(context.getBean(FailoverTracker.class).activeHost()).isNull();
                });
    }

    static int refusedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingTracerConfiguration {

        @Bean
        RecordingTracer recordingTracer() {
            return new RecordingTracer();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserFactoryConfiguration {

        @Bean
        PgConnectionFactory myFactory() {
            return PgConnectionFactory.create(ConnConfig.builder().hosts(HostSpec.of("mine", 7777)).build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        @Bean
        @Order(2)
        ConnConfigCustomizer second() {
            return b -> b.applicationName("first-then-second");
        }

        @Bean
        @Order(1)
        ConnConfigCustomizer first() {
            return b -> b.applicationName("first");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DetailsConfiguration {

        @Bean
        PgConnConnectionDetails embeddedCluster() {
            return new PgConnConnectionDetails() {
                @Override
                public List<HostSpec> getHosts() {
                    return List.of(HostSpec.of("embedded", 15432));
                }

                @Override
                public String getDatabase() {
                    return "appdb";
                }

                @Override
                public String getUsername() {
                    return "app";
                }

                @Override
                public String getPassword() {
                    return "pw";
                }

                @Override
                public Tls getTls() {
                    return Tls.verifyFull(java.nio.file.Path.of("/tmp/ca.pem"));
                }
            };
        }
    }
}
