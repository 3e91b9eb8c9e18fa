package io.pgconn.config;

import io.pgconn.PgConfigException;
import io.pgconn.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code build()} checks everything before dialling; messages name keyword, value and expectation. */
class ConnConfigValidatorTest {

    private static final String SECRET = "S3cr3t-Pa55w0rd";

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("port 0", b -> b.port(0), "invalid port value: \"0\""),
                bad("port list", b -> b.host("a,b,c").port("1,2"), "could not match 2 port numbers to 3 hosts"),
                bad("empty host list", b -> b.hosts(List.of()), "invalid hosts value"),
                bad("null host entry", b -> b.hosts(Arrays.asList(HostSpec.of("a", 1), null)), "no null entries"),
                bad("negative host timeout", b -> b.hostConnectTimeout(Duration.ofSeconds(-1)),
                        "invalid hostConnectTimeout value: PT-1S"),
                bad("negative total timeout", b -> b.connectTimeout(Duration.ofMillis(-5)),
                        "invalid connectTimeout value: PT-0.005S"),
                bad("negative recheck", b -> b.hostRecheckInterval(Duration.ofSeconds(-2)), "invalid hostRecheckInterval"),
                bad("negative keepalive idle", b -> b.keepalivesIdle(Duration.ofSeconds(-1)), "invalid keepalives_idle"),
                bad("negative keepalive count", b -> b.keepalivesCount(-1), "invalid keepalives_count value: -1"),
                bad("min > max protocol", b -> b.minProtocolVersion(ProtocolVersion.V3_2).maxProtocolVersion(ProtocolVersion.V3_0),
                        "min_protocol_version 3.2 is greater than max_protocol_version 3.0"),
                bad("zero scram iterations", b -> b.minScramIterations(0), "invalid minScramIterations value: 0"),
                bad("min > max scram", b -> b.minScramIterations(5000).maxScramIterations(4999),
                        "invalid maxScramIterations value: 4999 (expected at least minScramIterations, 5000)"),
                bad("tiny pre-auth cap", b -> b.preAuthMaxMessageSize(1000), "invalid preAuthMaxMessageSize value: 1000"),
                bad("max < pre-auth", b -> b.maxMessageSize(4096).preAuthMaxMessageSize(8192),
                        "invalid maxMessageSize value: 4096"),
                bad("extension type with dash", b -> b.extensionTypes("hstore", "bad-name"),
                        "invalid extensionTypes entry: \"bad-name\""),
                bad("extension type starting with digit", b -> b.extensionTypes("1abc"), "\"1abc\""),
                bad("extension type injection", b -> b.extensionTypes("x'); drop table t; --"), "invalid extensionTypes"),
                bad("extension type too long", b -> b.extensionTypes("a".repeat(64)), "at most 63 bytes"),
                bad("extension type three parts", b -> b.extensionTypes("a.b.c"), "\"a.b.c\""),
                bad("extension type null", b -> b.extensionTypes(Arrays.asList("hstore", null)), "\"null\""),
                bad("direct with prefer", b -> b.sslNegotiation(SslNegotiation.DIRECT),
                        "weak sslmode \"prefer\" may not be used with sslnegotiation=direct"),
                bad("direct with allow", b -> b.sslNegotiation(SslNegotiation.DIRECT).sslMode(SslMode.ALLOW),
                        "weak sslmode \"allow\""),
                bad("system root with require", b -> b.sslRootCert("system").sslMode(SslMode.REQUIRE),
                        "weak sslmode \"require\" may not be used with sslrootcert=system"),
                bad("system root with verify-ca", b -> b.sslRootCert("system").sslMode(SslMode.VERIFY_CA),
                        "weak sslmode \"verify-ca\""),
                bad("channel binding without TLS", b -> b.channelBinding(ChannelBindingMode.REQUIRE).sslMode(SslMode.DISABLE),
                        "channel_binding=require cannot be used with sslmode=disable"),
                bad("TLS range", b -> b.sslMinProtocolVersion("TLSv1.3").sslMaxProtocolVersion("TLSv1.2"),
                        "ssl_min_protocol_version TLSv1.3 is greater than ssl_max_protocol_version TLSv1.2"),
                bad("empty startup parameter", b -> b.startupParameter("", "x"), "invalid startupParameters name: \"\""),
                bad("NUL startup parameter", b -> b.startupParameter("a\0b", "x"), "without NUL"),
                bad("NUL startup value", b -> b.startupParameter("search_path", "a\0b"),
                        "invalid startupParameters value for \"search_path\""),
                bad("reserved startup parameter", b -> b.startupParameter("user", "x"),
                        "invalid startupParameters name: \"user\""),
                bad("NUL in user", b -> b.user("al\0ice"), "invalid user value: \"al?ice\""),
                bad("NUL in password", b -> b.password(SECRET + "\0"), "invalid password value (must not contain NUL"),
                // REVIEW-21 ED-2: refused at connect by the StartupMessage without the keyword (a password: sent with '?')
                bad("unpaired surrogate in application_name", b -> b.applicationName("app\uD800"),
                        "invalid application_name value (expected text UTF-8 can encode"),
                bad("unpaired surrogate in password", b -> b.password(SECRET + "\uDC00"),
                        "invalid password value (expected text UTF-8 can encode"),
                bad("unpaired surrogate in a startup parameter", b -> b.startupParameter("search_path", "a\uD800"),
                        "invalid startupParameters entry (expected text UTF-8 can encode"));
    }

    private static Arguments bad(String name, UnaryOperator<ConnConfig.Builder> change, String message) {
        return arguments(name, change, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, UnaryOperator<ConnConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(ConnConfig.builder()).build())
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining(SECRET)
                .satisfies(e -> assertThat(((PgConfigException) e).host()).isNull());
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                ok("direct with require", b -> b.sslNegotiation(SslNegotiation.DIRECT).sslMode(SslMode.REQUIRE)),
                ok("system root with verify-full", b -> b.sslRootCert("system").sslMode(SslMode.VERIFY_FULL)),
                ok("extension types at the limits", b -> b.extensionTypes("public.hstore", "_my$type", "a".repeat(63))),
                ok("no extension types", b -> b.extensionTypes(List.of())),
                ok("max message size equal to the pre-auth cap", b -> b.maxMessageSize(1024).preAuthMaxMessageSize(1024)),
                ok("timeouts disabled", b -> b.hostConnectTimeout(Duration.ZERO).connectTimeout(Duration.ZERO)));
    }

    private static Arguments ok(String name, UnaryOperator<ConnConfig.Builder> change) {
        return arguments(name, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validCombinationsBuild(String name, UnaryOperator<ConnConfig.Builder> change) {
        assertThatCode(() -> change.apply(ConnConfig.builder()).build()).doesNotThrowAnyException();
    }

    @Test
    void preparedStatementCacheSizeIsANonNegativeCount() {
        assertThat(ConnConfig.builder().build().preparedStatementCacheSize()).isEqualTo(256);
        assertThat(ConnConfig.parse("host=h preparedStatementCacheSize=0", EnvironmentSource.none()).preparedStatementCacheSize()).isZero();
        assertThat(ConnConfig.builder().preparedStatementCacheSize(12).build().preparedStatementCacheSize()).isEqualTo(12);
        assertThatThrownBy(() -> ConnConfig.parse("host=h preparedStatementCacheSize=-1", EnvironmentSource.none()))
                .isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("preparedStatementCacheSize");
        assertThatThrownBy(() -> ConnConfig.builder().preparedStatementCacheSize(-3).build())
                .isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("invalid preparedStatementCacheSize value: -3");
    }

    @Test
    void pipeliningLimitIsANonNegativeCountDefaultingToNoLimit() {
        assertThat(ConnConfig.builder().build().pipeliningLimit()).isZero();
        assertThat(ConnConfig.parse("host=h pipeliningLimit=1", EnvironmentSource.none()).pipeliningLimit()).isEqualTo(1);
        assertThat(ConnConfig.builder().pipeliningLimit(16).build().pipeliningLimit()).isEqualTo(16);
        assertThatThrownBy(() -> ConnConfig.parse("host=h pipeliningLimit=-1", EnvironmentSource.none()))
                .isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("pipeliningLimit");
        assertThatThrownBy(() -> ConnConfig.builder().pipeliningLimit(-2).build())
                .isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("invalid pipeliningLimit value: -2")
                .hasMessageContaining("1 = one at a time");
    }

    @Test
    void blockingWaitSpinIsADurationOfAtMostTenMilliseconds() {
        assertThat(ConnConfig.builder().build().blockingWaitSpin()).isZero();
        assertThat(ConnConfig.parse("host=h blockingWaitSpin=100us", EnvironmentSource.none()).blockingWaitSpin())
                .isEqualTo(java.time.Duration.ofNanos(100_000));
        assertThat(ConnConfig.parse("host=h blockingWaitSpin=2ms", EnvironmentSource.none()).blockingWaitSpin())
                .isEqualTo(java.time.Duration.ofMillis(2));
        assertThat(ConnConfig.builder().blockingWaitSpin(java.time.Duration.ofMillis(10)).build().blockingWaitSpin())
                .isEqualTo(java.time.Duration.ofMillis(10));
        assertThatThrownBy(() -> ConnConfig.parse("host=h blockingWaitSpin=1s", EnvironmentSource.none()))
                .isInstanceOf(io.pgconn.PgConfigException.class)
                .hasMessageContaining("invalid blockingWaitSpin value: PT1S (expected a duration from 0 to 10ms");
        assertThatThrownBy(() -> ConnConfig.parse("host=h blockingWaitSpin=fast", EnvironmentSource.none()))
                .isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("blockingWaitSpin");
        assertThatThrownBy(() -> ConnConfig.builder().blockingWaitSpin(java.time.Duration.ofNanos(-1)).build())
                .isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("invalid blockingWaitSpin value");
    }

    @Test
    void cancelGraceIsAPositiveDurationOfAtMostAnHourDefaultingToOneSecond() {
        assertThat(ConnConfig.builder().build().cancelGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConnConfig.parse("host=h cancelGrace=5s", EnvironmentSource.none()).cancelGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConnConfig.parse("host=h cancelGrace=250ms", EnvironmentSource.none()).cancelGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(ConnConfig.parse("postgresql://h/app?cancelGrace=PT30S", EnvironmentSource.none()).cancelGrace())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(ConnConfig.builder().cancelGrace(Duration.ofHours(1)).build().cancelGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(ConnConfig.builder().cancelGrace(Duration.ofSeconds(9)).build().toBuilder().build().cancelGrace())
                .isEqualTo(Duration.ofSeconds(9));
        assertThatThrownBy(() -> ConnConfig.parse("host=h cancelGrace=0", EnvironmentSource.none()))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("invalid cancelGrace value: PT0S (expected a duration above 0 and at most 1h")
                .satisfies(e -> assertThat(((PgConfigException) e).keyword()).contains("cancelGrace"));
        assertThatThrownBy(() -> ConnConfig.builder().cancelGrace(Duration.ofMillis(-1)).build())
                .isInstanceOf(PgConfigException.class).hasMessageContaining("invalid cancelGrace value: PT-0.001S");
        assertThatThrownBy(() -> ConnConfig.parse("host=h cancelGrace=2h", EnvironmentSource.none()))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("invalid cancelGrace value: PT2H");
        assertThatThrownBy(() -> ConnConfig.parse("host=h cancelGrace=soon", EnvironmentSource.none()))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("cancelGrace").hasMessageContaining("soon");
    }

    @Test
    void systemRootCertDefaultsToVerifyFull() {
        assertThat(ConnConfig.builder().sslRootCert("system").build().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    }

    @Test
    void toStringNeverShowsSecrets() {
        ConnConfig config = ConnConfig.builder().host("db1,db2").user("alice").database("app").password(SECRET)
                .sslPassword(SECRET + "-key").sslMode(SslMode.VERIFY_FULL).build();
        assertThat(config.toString())
                .doesNotContain(SECRET)
                .contains("db1:5432", "db2:5432", "user=alice", "database=app", "password=***", "sslPassword=***",
                        "sslMode=verify-full", "targetSessionAttrs=any");
        ConnConfig parsed = ConnConfig.parse("postgresql://alice:" + SECRET + "@db/app?sslpassword=" + SECRET,
                EnvironmentSource.none());
        assertThat(parsed.toString()).doesNotContain(SECRET);
        assertThat(ConnConfig.builder().build().toString()).doesNotContain("password");
    }

    @Test
    void toBuilderRoundTripsAndRederivesDefaults() {
        ConnConfig config = ConnConfig.parse("postgresql://alice:pw@h1,h2:6000/app?sslmode=require&connect_timeout=4"
                + "&extensionTypes=hstore", EnvironmentSource.none());
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());

        ConnConfig defaulted = ConnConfig.builder().user("alice").build();
        assertThat(defaulted.toBuilder().user("bob").build().database()).isEqualTo("bob");
        assertThat(defaulted.toBuilder().sslRootCert("system").build().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(config.toBuilder().hosts(HostSpec.of("x", 1)).build().hosts()).containsExactly(HostSpec.of("x", 1));
    }

    @Test
    void settingTheKeywordToNullRestoresTheDefault() {
        ConnConfig config = ConnConfig.builder().set("sslmode", "disable").set("sslmode", null).build();
        assertThat(config.sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(ConnConfig.builder().sslMode(SslMode.DISABLE).sslMode(null).build().sslMode()).isEqualTo(SslMode.PREFER);
    }

    @Test
    void unknownKeywordViaBuilder() {
        assertThatThrownBy(() -> ConnConfig.builder().set("sslmod", "require"))
                .isInstanceOf(PgConfigException.class).hasMessage("invalid connection option \"sslmod\"");
    }

    /** Every keyword and variable that names a file or directory fails as a configuration error, never InvalidPathException. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "service=x servicefile=a<NUL>b | | servicefile",
            "passfile=a<NUL>b              | | passfile",
            "sslcert=a<NUL>b               | | sslcert",
            "sslkey=a<NUL>b                | | sslkey",
            "sslrootcert=a<NUL>b           | | sslrootcert",
            "service=x                     | PGSERVICEFILE | PGSERVICEFILE",
            "service=x servicefile=        | PGSYSCONFDIR  | PGSYSCONFDIR",
            "host=h                        | HOME          | HOME",
            "sslcert=/tmp/x                | PGSSLCERT     | sslcert"})
    void aNulInAnyPathIsAConfigurationError(String dsn, String variable, String named) {
        String value = "a\u0000b";
        java.util.Map<String, String> env = variable == null ? java.util.Map.of()
                : java.util.Map.of(variable, value);
        String connectionString = dsn.replace("<NUL>", "\u0000");
        if (variable != null && variable.equals("PGSSLCERT")) {
            connectionString = "host=h";
        }
        String text = connectionString;
        assertThatThrownBy(() -> ConnConfig.parse(text, EnvironmentSource.of(env)).sslRootCertOrDefault())
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(named)
                .hasMessageNotContaining("\u0000")
                .satisfies(e -> assertThat(((PgConfigException) e).keyword()).contains(named));
    }

    /** A conflict names every setting in it, so a layer above (the starter) can name each one's property and origin. */
    @ParameterizedTest
    @MethodSource("conflicts")
    void aConflictNamesBothSettings(String keyword, List<String> others, UnaryOperator<ConnConfig.Builder> setup) {
        assertThatThrownBy(() -> setup.apply(ConnConfig.builder()).build()).isInstanceOfSatisfying(PgConfigException.class, e -> {
            assertThat(e.keyword()).contains(keyword);
            assertThat(e.conflictsWith()).isEqualTo(others);
        });
    }

    static Stream<Arguments> conflicts() {
        return Stream.of(
                arguments("channel_binding", List.of("sslmode"),
                        (UnaryOperator<ConnConfig.Builder>) b -> b.channelBinding(ChannelBindingMode.REQUIRE).sslMode(SslMode.DISABLE)),
                arguments("sslmode", List.of("sslnegotiation"),
                        (UnaryOperator<ConnConfig.Builder>) b -> b.sslNegotiation(SslNegotiation.DIRECT).sslMode(SslMode.PREFER)),
                arguments("sslmode", List.of("sslrootcert"),
                        (UnaryOperator<ConnConfig.Builder>) b -> b.sslRootCert("system").sslMode(SslMode.REQUIRE)),
                arguments("ssl_min_protocol_version", List.of("ssl_max_protocol_version"),
                        (UnaryOperator<ConnConfig.Builder>) b -> b.sslMinProtocolVersion("TLSv1.3").sslMaxProtocolVersion("TLSv1.2")),
                arguments("sslmode", List.of(), (UnaryOperator<ConnConfig.Builder>) b -> b.connectionString("sslmode=bogus")));
    }

    @Test
    void aConflictInAConnectionStringHoldingAPasswordKeepsBothSettings() {
        assertThatThrownBy(() -> ConnConfig.builder().connectionString("host=db password=Sentinel-Pw-3a9 channel_binding=require sslmode=disable")
                .build()).isInstanceOfSatisfying(PgConfigException.class, e -> {
                    assertThat(e.conflictsWith()).containsExactly("sslmode");
                    assertThat(e.getMessage()).doesNotContain("Sentinel-Pw-3a9");
                });
    }
}
