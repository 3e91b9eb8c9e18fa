package io.pgconn.r2dbc;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.config.TargetSessionAttrs;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnConfigFromOptionsTest {

    private static ConnConfig parse(String url) {
        return ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.parse(url));
    }

    @Test
    void theIssuesExampleUrl() {
        ConnConfig config = parse("r2dbc:pgconn://app@db1,db2/orders?target_session_attrs=read-write");
        assertThat(config.hosts()).containsExactly(HostSpec.of("db1", 5432), HostSpec.of("db2", 5432));
        assertThat(config.user()).isEqualTo("app");
        assertThat(config.database()).isEqualTo("orders");
        assertThat(config.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_WRITE);
    }

    @Test
    void hostsWithTheirOwnPorts() {
        ConnConfig config = parse("r2dbc:pgconn://app:s3cret@db1:5433,db2:5434,db3/orders");
        assertThat(config.hosts()).containsExactly(HostSpec.of("db1", 5433), HostSpec.of("db2", 5434), HostSpec.of("db3", 5432));
        assertThat(config.password()).isEqualTo("s3cret");
    }

    /** The SPI's URL parser (java.net.URI) refuses IPv6 literals in a host list; the host option takes them. */
    @Test
    void ipv6LiteralsInTheHostOption() {
        ConnConfig config = ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn")
                .option(ConnectionFactoryOptions.HOST, "[::1]:5434,db2")
                .option(ConnectionFactoryOptions.PORT, 5440)
                .build());
        assertThat(config.hosts()).containsExactly(HostSpec.of("::1", 5434), HostSpec.of("db2", 5440));
    }

    /** libpq reads keepalives as an integer and sslsni by its first character: Java booleans are passed as 1/0. */
    @Test
    void booleanOptionsKeepTheirMeaning() {
        ConnConfig on = ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn").option(ConnectionFactoryOptions.HOST, "db1")
                .option(Option.valueOf("keepalives"), Boolean.TRUE).option(Option.valueOf("sslsni"), Boolean.TRUE)
                .option(Option.valueOf("extensionTypesRequired"), Boolean.TRUE).build());
        assertThat(on.keepalives()).isTrue();
        assertThat(on.sslSni()).isTrue();
        assertThat(on.extensionTypesRequired()).isTrue();
        ConnConfig off = ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn").option(ConnectionFactoryOptions.HOST, "db1")
                .option(Option.valueOf("keepalives"), Boolean.FALSE).option(Option.valueOf("sslsni"), Boolean.FALSE).build());
        assertThat(off.keepalives()).isFalse();
        assertThat(off.sslSni()).isFalse();
    }

    @Test
    void oneHostAndPort() {
        ConnConfig config = parse("r2dbc:pgconn://app@db1:6543/orders");
        assertThat(config.hosts()).containsExactly(HostSpec.of("db1", 6543));
    }

    @Test
    void standardOptionsMapToTheirLibpqCounterparts() {
        ConnConfig config = ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn")
                .option(ConnectionFactoryOptions.HOST, "db1")
                .option(ConnectionFactoryOptions.PORT, 5440)
                .option(ConnectionFactoryOptions.USER, "app")
                .option(ConnectionFactoryOptions.PASSWORD, "pw")
                .option(ConnectionFactoryOptions.DATABASE, "orders")
                .option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(3))
                .option(ConnectionFactoryOptions.STATEMENT_TIMEOUT, Duration.ofSeconds(2))
                .option(ConnectionFactoryOptions.SSL, true)
                .build());
        assertThat(config.hosts()).containsExactly(HostSpec.of("db1", 5440));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.startupParameters()).containsEntry("statement_timeout", "2000");
        assertThat(config.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    }

    @Test
    void everyLibpqKeywordIsAnOptionAndAnExplicitSslmodeWinsOverSsl() {
        ConnConfig config = parse("r2dbcs:pgconn://app@db1/orders?sslmode=require&application_name=orders-api"
                + "&connect_timeout=4&hostRecheckInterval=5s&load_balance_hosts=random");
        assertThat(config.sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(config.applicationName()).isEqualTo("orders-api");
        assertThat(config.hostConnectTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.hostRecheckInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badValuesAreErrorsNamingTheOptionAndNeverThePassword() {
        assertThatThrownBy(() -> parse("r2dbc:pgconn://app:topsecret@db1/orders?target_session_attrs=writable"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target_session_attrs").hasMessageContaining("writable")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> parse("r2dbc:pgconn://app@db1:99x,db2/orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99x");
    }

    @Test
    void theDriverIsFoundByConnectionFactoriesAndNamesPostgresql() {
        ConnectionFactory factory = ConnectionFactories.get("r2dbc:pgconn://app@db1,db2/orders?target_session_attrs=read-write");
        try {
            assertThat(factory).isInstanceOf(PgConnR2dbcConnectionFactory.class);
            assertThat(factory.getMetadata().getName()).isEqualTo("PostgreSQL");
            assertThat(((PgConnR2dbcConnectionFactory) factory).pgConnectionFactory().config().hosts()).hasSize(2);
        } finally {
            ((PgConnR2dbcConnectionFactory) factory).close();
        }
        assertThat(ConnectionFactories.supports(ConnectionFactoryOptions.parse("r2dbc:postgresql://db1/x"))).isFalse();
    }

    @Test
    void aProtocolIsRefused() {
        assertThatThrownBy(() -> new PgConnR2dbcConnectionFactoryProvider().create(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn").option(ConnectionFactoryOptions.PROTOCOL, "failover")
                .option(Option.valueOf("host"), "db1").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failover");
    }

    /** The core's own URL parser refuses db1:5432:x at once; the R2DBC host option must too, not at connect. */
    @Test
    void aHostWithAMistypedPortIsRefusedAtOnceWithoutThePassword() {
        assertThatThrownBy(() -> parse("r2dbc:pgconn://app:pw-secret@localhost:47209:x/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:47209:x").hasMessageContaining("host:port")
                .hasMessageNotContaining("pw-secret");
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:pgconn://app:pw-secret@localhost:47209:x/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:47209:x").hasMessageNotContaining("pw-secret");
        assertThatThrownBy(() -> ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn")
                .option(ConnectionFactoryOptions.HOST, "db1,db2:5432:5433").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("db2:5432:5433");
        // an unbracketed IPv6 address is still a host
        ConnConfig config = ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn")
                .option(ConnectionFactoryOptions.HOST, "fe80::1").option(ConnectionFactoryOptions.PORT, 5441).build());
        assertThat(config.hosts()).containsExactly(HostSpec.of("fe80::1", 5441));
    }

    /** The forms r2dbc-postgresql takes: a number with a unit (none = ms) or ISO-8601. */
    @Test
    void durationOptionsTakeSimpleUnitsAsWellAsMillisAndIso8601() {
        ConnConfig config = parse("r2dbc:pgconn://app@db1/orders?connectTimeout=5s&statementTimeout=500ms&lockWaitTimeout=2m");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.startupParameters()).containsEntry("statement_timeout", "500").containsEntry("lock_timeout", "120000");
        assertThat(parse("r2dbc:pgconn://app@db1/orders?connectTimeout=1500").connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(parse("r2dbc:pgconn://app@db1/orders?connectTimeout=PT7S").connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(parse("r2dbc:pgconn://app@db1/orders?connectTimeout=1h").connectTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(parse("r2dbc:pgconn://app@db1/orders?connectTimeout=3S").connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(parse("r2dbc:pgconn://app@db1/orders?statementTimeout=1d").startupParameters())
                .containsEntry("statement_timeout", "86400000");
    }

    @Test
    void aBadDurationIsAnErrorNamingTheOptionTheValueAndTheFormsAccepted() {
        for (String bad : new String[] {"5 seconds", "5x", "s", "PT5", "-5s", "-PT5S", "1.5s"}) {
            assertThatThrownBy(() -> parse("r2dbc:pgconn://app:pw-secret@db1/orders?connectTimeout=" + bad.replace(" ", "%20")))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("connectTimeout").hasMessageContaining(bad)
                    .hasMessageNotContaining("pw-secret");
        }
        assertThatThrownBy(() -> parse("r2dbc:pgconn://app@db1/orders?statementTimeout=5y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statementTimeout \"5y\"").hasMessageContaining("5s").hasMessageContaining("PT5S");
    }
    /**
     * REVIEW-20 R1: the driver looked every keyword up with {@code Option.valueOf}, which registered {@code sslpassword}
     * and {@code oauth_client_secret} JVM-wide as non-sensitive options (the SPI keeps the first registration of a
     * name), so {@code ConnectionFactoryOptions.toString()} — in {@code ConnectionFactories}' "Unable to create a
     * ConnectionFactory" message — printed them, a user's {@code Option.sensitiveValueOf} too.
     */
    @Test
    void secretKeywordsAreSensitiveOptionsSoTheOptionsNeverPrintThem() {
        ConnConfigFromOptions.toConnConfig(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn").option(ConnectionFactoryOptions.HOST, "db1").build());
        ConnectionFactoryOptions programmatic = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn").option(ConnectionFactoryOptions.HOST, "db1")
                .option(Option.sensitiveValueOf("sslpassword"), "keypass-1")
                .option(Option.sensitiveValueOf("oauth_client_secret"), "client-secret-1").build();
        assertThat(programmatic.toString()).doesNotContain("keypass-1").doesNotContain("client-secret-1");
        assertThat(ConnConfigFromOptions.toConnConfig(programmatic).sslPassword()).isEqualTo("keypass-1");
        assertThat(PgConnR2dbcOptions.SSL_PASSWORD).isSameAs(Option.sensitiveValueOf("sslpassword"))
                .hasToString("Option{name='sslpassword', sensitive=true}");
        assertThat(PgConnR2dbcOptions.OAUTH_CLIENT_SECRET).hasToString("Option{name='oauth_client_secret', sensitive=true}");

        // once the driver is loaded, a URL parsed afterwards holds them as sensitive options too
        new PgConnR2dbcConnectionFactoryProvider();
        String url = "r2dbc:pgconn://app@db1/orders?sslpassword=keypass-2&oauth_client_secret=client-secret-2"
                + "&application_name=orders-api";
        ConnectionFactoryOptions parsed = ConnectionFactoryOptions.parse(url);
        assertThat(parsed.toString()).doesNotContain("keypass-2").doesNotContain("client-secret-2").contains("orders-api");
        assertThat(ConnConfigFromOptions.toConnConfig(parsed).sslPassword()).isEqualTo("keypass-2");
        assertThatThrownBy(() -> ConnectionFactories.get(url.replace("pgconn:", "pgconnx:")))
                .hasMessageContaining("pgconnx").hasMessageNotContaining("keypass-2").hasMessageNotContaining("client-secret-2");
    }
}
