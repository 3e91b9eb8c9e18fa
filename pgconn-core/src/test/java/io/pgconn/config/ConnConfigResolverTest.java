package io.pgconn.config;

import io.pgconn.PgConfigException;
import io.pgconn.AuthMethod;
import io.pgconn.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code PG*} defaults and the precedence explicit &gt; service file &gt; environment &gt; default. */
class ConnConfigResolverTest {

    @TempDir
    Path dir;

    static ConnConfig withEnv(String connectionString, Map<String, String> env) {
        return ConnConfig.parse(connectionString, EnvironmentSource.of(env));
    }

    static Stream<Arguments> variables() {
        return Stream.of(
                env("PGHOST", "envhost", c -> c.hosts().get(0).host(), "envhost"),
                env("PGHOSTADDR", "10.1.2.3", c -> c.hosts().get(0).dialAddress(), "10.1.2.3"),
                env("PGPORT", "6543", c -> c.hosts().get(0).port(), 6543),
                env("PGDATABASE", "envdb", ConnConfig::database, "envdb"),
                env("PGUSER", "envuser", ConnConfig::user, "envuser"),
                env("PGUSER", "envuser", ConnConfig::database, "envuser"),
                env("PGPASSWORD", "envpw", ConnConfig::password, "envpw"),
                env("PGPASSFILE", "/env/pgpass", ConnConfig::passfile, Path.of("/env/pgpass")),
                env("PGAPPNAME", "envapp", ConnConfig::applicationName, "envapp"),
                env("PGOPTIONS", "-c geqo=off", ConnConfig::options, "-c geqo=off"),
                env("PGSSLMODE", "verify-ca", ConnConfig::sslMode, SslMode.VERIFY_CA),
                env("PGSSLROOTCERT", "/env/ca.pem", ConnConfig::sslRootCert, "/env/ca.pem"),
                env("PGSSLROOTCERT", "system", ConnConfig::sslMode, SslMode.VERIFY_FULL),
                env("PGSSLCERT", "/env/c.pem", ConnConfig::sslCert, Path.of("/env/c.pem")),
                env("PGSSLKEY", "/env/k.pem", ConnConfig::sslKey, Path.of("/env/k.pem")),
                env("PGSSLSNI", "0", ConnConfig::sslSni, false),
                env("PGSSLMINPROTOCOLVERSION", "TLSv1.3", ConnConfig::sslMinProtocolVersion, "TLSv1.3"),
                env("PGSSLMAXPROTOCOLVERSION", "TLSv1.3", ConnConfig::sslMaxProtocolVersion, "TLSv1.3"),
                env("PGCHANNELBINDING", "disable", ConnConfig::channelBinding, ChannelBindingMode.DISABLE),
                env("PGREQUIREAUTH", "!md5", c -> c.requireAuth().allows(AuthMethod.MD5), false),
                env("PGTARGETSESSIONATTRS", "standby", ConnConfig::targetSessionAttrs, TargetSessionAttrs.STANDBY),
                env("PGLOADBALANCEHOSTS", "random", ConnConfig::loadBalanceHosts, LoadBalanceHosts.RANDOM),
                env("PGCONNECT_TIMEOUT", "4", ConnConfig::hostConnectTimeout, Duration.ofSeconds(4)),
                env("PGMAXPROTOCOLVERSION", "3.2", ConnConfig::maxProtocolVersion, ProtocolVersion.V3_2));
    }

    private static Arguments env(String variable, String value, Function<ConnConfig, Object> accessor, Object expected) {
        return arguments(variable, value, accessor, expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("variables")
    void variableIsTheDefault(String variable, String value, Function<ConnConfig, Object> accessor, Object expected) {
        assertThat(accessor.apply(withEnv("", Map.of(variable, value)))).isEqualTo(expected);
    }

    /** libpq's EnvironmentOptions: PGTZ → timezone, PGGEQO → geqo, "default" (any case) sends none; not PGDATESTYLE (§9). */
    @Test
    void pgtzAndPggeqoBecomeStartupParametersAsInLibpq() {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("PGTZ", "Asia/Tokyo", "PGGEQO", "off",
                "PGDATESTYLE", "German"));
        assertThat(ConnConfig.parse("host=h", EnvironmentSource.of(env)).startupParameters())
                .containsExactly(java.util.Map.entry("timezone", "Asia/Tokyo"), java.util.Map.entry("geqo", "off"));
        env.put("PGTZ", "DeFault");
        env.put("PGGEQO", "");
        assertThat(ConnConfig.parse("host=h", EnvironmentSource.of(env)).startupParameters())
                .as("default sends none; empty is sent as libpq sends it").containsExactly(java.util.Map.entry("geqo", ""));
        ConnConfig explicit = ConnConfig.builder().environment(EnvironmentSource.of(java.util.Map.of("PGTZ", "Asia/Tokyo")))
                .startupParameter("TimeZone", "UTC").build();
        assertThat(explicit.startupParameters()).as("an explicit parameter of the same name wins").containsExactly(java.util.Map.entry("TimeZone", "UTC"));
        assertThat(explicit.toBuilder().build().startupParameters()).isEqualTo(explicit.startupParameters());
        assertThat(ConnConfig.builder().build().startupParameters()).as("no environment source, no variables").isEmpty();
    }

    /**
     * libpq 18's deprecated PGREQUIRESSL: a value starting with 1 is sslmode=require when nothing else set sslmode;
     * PGSSLMODE, the service file and an explicit sslmode win (REVIEW-31 R31-1: it was ignored, sslmode stayed prefer).
     */
    @Test
    void pgRequireSslIsSslModeRequireUnlessSomethingElseSetsIt() throws IOException {
        assertThat(withEnv("host=h", Map.of("PGREQUIRESSL", "1")).sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(withEnv("host=h", Map.of("PGREQUIRESSL", "1", "PGSSLMODE", "disable")).sslMode()).isEqualTo(SslMode.DISABLE);
        assertThat(withEnv("host=h", Map.of("PGREQUIRESSL", "0")).sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(withEnv("host=h", Map.of("PGREQUIRESSL", "yes")).sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(withEnv("host=h sslmode=allow", Map.of("PGREQUIRESSL", "1")).sslMode()).isEqualTo(SslMode.ALLOW);
        Path services = Files.writeString(dir.resolve("svc.conf"), "[s]\nsslmode=disable\n");
        assertThat(withEnv("service=s", Map.of("PGREQUIRESSL", "1", "PGSERVICEFILE", services.toString())).sslMode())
                .isEqualTo(SslMode.DISABLE);
        // as libpq: with sslrootcert=system a sslmode that came from the environment is "weak", not replaced
        assertThatThrownBy(() -> withEnv("host=h sslrootcert=system", Map.of("PGREQUIRESSL", "1")))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("sslmode");
    }

    @Test
    void sslNegotiationFromEnvironment() {
        ConnConfig config = withEnv("", Map.of("PGSSLNEGOTIATION", "direct", "PGSSLMODE", "require"));
        assertThat(config.sslNegotiation()).isEqualTo(SslNegotiation.DIRECT);
    }

    @Test
    void explicitBeatsEnvironment() {
        Map<String, String> env = Map.of("PGHOST", "envhost", "PGPORT", "6543", "PGUSER", "envuser",
                "PGSSLMODE", "disable", "PGAPPNAME", "envapp");
        ConnConfig config = withEnv("postgresql://alice@h:7000/db?sslmode=require&application_name=mine", env);
        assertThat(config.hosts()).containsExactly(HostSpec.of("h", 7000));
        assertThat(config.user()).isEqualTo("alice");
        assertThat(config.sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(config.applicationName()).isEqualTo("mine");
    }

    @Test
    void hostFromStringPortFromEnvironment() {
        ConnConfig config = withEnv("host=a,b", Map.of("PGPORT", "6000"));
        assertThat(config.hosts()).extracting(HostSpec::label).containsExactly("a:6000", "b:6000");
    }

    @Test
    void explicitHostListIgnoresHostVariables() {
        ConnConfig config = ConnConfig.builder().environment(EnvironmentSource.of(Map.of("PGHOST", "x", "PGPORT", "1")))
                .hosts(HostSpec.of("a", 5432), HostSpec.of("b", 5433)).build();
        assertThat(config.hosts()).extracting(HostSpec::label).containsExactly("a:5432", "b:5433");
    }

    @Test
    void explicitEmptyValueBlocksTheEnvironment() {
        // libpq: an empty value is "set", so PGHOST is not consulted, and empty then means the default
        assertThat(withEnv("host=''", Map.of("PGHOST", "envhost")).hosts().get(0).host()).isEqualTo("localhost");
    }

    @Test
    void emptyUriPathDoesNotBlockPgDatabase() {
        assertThat(withEnv("postgresql://host/", Map.of("PGDATABASE", "envdb")).database()).isEqualTo("envdb");
    }

    @Test
    void invalidVariableIsReportedOnlyWhenUsed() {
        Map<String, String> env = Map.of("PGSSLMODE", "bogus");
        assertThat(withEnv("sslmode=require", env).sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThatThrownBy(() -> withEnv("", env)).isInstanceOf(PgConfigException.class)
                .hasMessageContaining("invalid PGSSLMODE value: \"bogus\"");
    }

    @Test
    void systemRootWithWeakModeFromEnvironmentIsAnError() {
        assertThatThrownBy(() -> withEnv("sslrootcert=system", Map.of("PGSSLMODE", "require")))
                .hasMessageContaining("weak sslmode \"require\" may not be used with sslrootcert=system");
    }

    @Test
    void builderReadsNoEnvironmentUnlessAsked() {
        ConnConfig.Builder builder = ConnConfig.builder();
        assertThat(builder.environment).isNotNull();
        assertThat(builder.environment.get("PATH")).isNull();
        assertThat(builder.environment.get("HOME")).isNull();
    }

    @Test
    void defaultsWithoutAnyEnvironment() {
        ConnConfig config = ConnConfig.builder().build();
        assertThat(config.hosts()).containsExactly(HostSpec.of("localhost", 5432));
        assertThat(config.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(config.database()).isEqualTo(config.user());
        assertThat(config.password()).isNull();
        assertThat(config.passfile()).isNull();
        assertThat(config.sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(config.sslNegotiation()).isEqualTo(SslNegotiation.POSTGRES);
        assertThat(config.sslRootCert()).isNull();
        assertThat(config.sslSni()).isTrue();
        assertThat(config.sslMinProtocolVersion()).isEqualTo("TLSv1.2");
        assertThat(config.sslMaxProtocolVersion()).isNull();
        assertThat(config.channelBinding()).isEqualTo(ChannelBindingMode.PREFER);
        assertThat(config.requireAuth().isSet()).isFalse();
        assertThat(config.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.ANY);
        assertThat(config.loadBalanceHosts()).isEqualTo(LoadBalanceHosts.DISABLE);
        assertThat(config.hostConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.hostRecheckInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.keepalives()).isTrue();
        assertThat(config.keepalivesIdle()).isNull();
        assertThat(config.keepalivesCount()).isNull();
        assertThat(config.minProtocolVersion()).isEqualTo(ProtocolVersion.V3_0);
        assertThat(config.maxProtocolVersion()).isEqualTo(ProtocolVersion.V3_0);
        assertThat(config.extensionTypes()).containsExactly("hstore", "vector");
        assertThat(config.extensionTypesRequired()).isFalse();
        assertThat(config.minScramIterations()).isEqualTo(4096);
        assertThat(config.maxScramIterations()).isEqualTo(10_000_000);
        assertThat(config.maxMessageSize()).isEqualTo(1 << 30);
        assertThat(config.preAuthMaxMessageSize()).isEqualTo(64 * 1024);
        assertThat(config.startupParameters()).isEmpty();
        assertThat(config.replication()).isNull();
        assertThat(config).isEqualTo(ConnConfig.parse("", EnvironmentSource.none()));
    }

    @Test
    void explicitBeatsServiceBeatsEnvironmentBeatsDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("services.conf"), "[svc]\napplication_name=fromService\nport=7001\n");
        Map<String, String> env = new HashMap<>(Map.of("PGSERVICEFILE", file.toString(),
                "PGAPPNAME", "fromEnv", "PGPORT", "7002", "PGUSER", "envuser"));
        ConnConfig explicit = withEnv("service=svc application_name=explicit", env);
        assertThat(explicit.applicationName()).isEqualTo("explicit");
        assertThat(explicit.hosts().get(0).port()).isEqualTo(7001);
        assertThat(explicit.user()).isEqualTo("envuser");

        ConnConfig service = withEnv("service=svc", env);
        assertThat(service.applicationName()).isEqualTo("fromService");

        ConnConfig environment = withEnv("", env);
        assertThat(environment.applicationName()).isEqualTo("fromEnv");
        assertThat(environment.hosts().get(0).port()).isEqualTo(7002);

        assertThat(withEnv("", Map.of()).applicationName()).isNull();
        assertThat(withEnv("", Map.of()).hosts().get(0).port()).isEqualTo(5432);
    }

    @Test
    void pgServiceSelectsTheServiceAndExplicitServiceOverridesIt() throws IOException {
        Path file = Files.writeString(dir.resolve("s.conf"), "[a]\ndbname=dbA\n[b]\ndbname=dbB\n");
        Map<String, String> env = Map.of("PGSERVICEFILE", file.toString(), "PGSERVICE", "a");
        assertThat(withEnv("", env).database()).isEqualTo("dbA");
        assertThat(withEnv("service=b", env).database()).isEqualTo("dbB");
        assertThat(withEnv("", env).toBuilder().build().database()).isEqualTo("dbA");
    }
}
