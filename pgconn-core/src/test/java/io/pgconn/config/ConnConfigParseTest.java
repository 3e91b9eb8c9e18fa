package io.pgconn.config;

import io.pgconn.PgConfigException;
import io.pgconn.AuthMethod;
import io.pgconn.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Connection strings all the way to a validated {@link ConnConfig}: host lists, keywords, errors. */
class ConnConfigParseTest {

    static ConnConfig parse(String s) {
        return ConnConfig.parse(s, EnvironmentSource.none());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            postgresql://                              | localhost:5432
            postgresql://h1,h2:5433,[::1]:5434/db      | h1:5432 h2:5433 [::1]:5434
            postgresql://,host2                        | localhost:5432 host2:5432
            postgresql://h1:5433,h2                    | h1:5433 h2:5432
            postgres://%2Ftmp/db                       | /tmp/.s.PGSQL.5432
            postgres://:5433?host=/var/run/postgresql  | /var/run/postgresql/.s.PGSQL.5433
            postgresql://[fe80::1%25eth0]:6543         | [fe80::1%eth0]:6543
            postgresql://h1,h2?port=6000               | h1:6000 h2:6000
            host=h1,h2 port=5433                       | h1:5433 h2:5433
            host=h1,h2 port=5433,5434                  | h1:5433 h2:5434
            host=h1,,h3 port=,5433,                    | h1:5432 localhost:5433 h3:5432
            hostaddr=127.0.0.1                         | 127.0.0.1:5432
            hostaddr=127.0.0.1,::1 port=1,2            | 127.0.0.1:1 [::1]:2
            host=db.example hostaddr=10.0.0.1          | db.example:5432
            host=/tmp port=6000                        | /tmp/.s.PGSQL.6000
            """)
    void resolvesHostLists(String connectionString, String labels) {
        assertThat(parse(connectionString).hosts()).extracting(HostSpec::label)
                .containsExactly(labels.split(" "));
    }

    @Test
    void hostaddrIsDialledButTheNameIsKept() {
        HostSpec host = parse("host=db.example hostaddr=10.0.0.1").hosts().get(0);
        assertThat(host.host()).isEqualTo("db.example");
        assertThat(host.hostaddr()).isEqualTo("10.0.0.1");
        assertThat(host.dialAddress()).isEqualTo("10.0.0.1");
        assertThat(host.hostaddrOnly()).isFalse();
        assertThat(host.tlsHostName()).isEqualTo("db.example");
    }

    /** libpq: an entry of hostaddr alone has no host name (verify-full refuses it); one that names the address as host has. */
    @Test
    void hostaddrAloneHasNoHostNameForTls() {
        HostSpec alone = parse("hostaddr=127.0.0.1,10.0.0.2 host=,db.example").hosts().get(0);
        assertThat(alone.label()).isEqualTo("127.0.0.1:5432");
        assertThat(alone.hostaddrOnly()).isTrue();
        assertThat(alone.tlsHostName()).isNull();
        assertThat(parse("hostaddr=127.0.0.1,10.0.0.2 host=,db.example").hosts().get(1).tlsHostName()).isEqualTo("db.example");
        HostSpec named = parse("host=127.0.0.1 hostaddr=127.0.0.1").hosts().get(0);
        assertThat(named.hostaddrOnly()).isFalse();
        assertThat(named.tlsHostName()).isEqualTo("127.0.0.1");
        assertThat(HostSpec.of("db.example", 5432).hostaddrOnly()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            postgresql://host:port:extra              | invalid port value: "port:extra"
            postgresql://host:abc                     | invalid port value: "abc"
            postgresql://host:0                       | invalid port value: "0"
            postgresql://host:65536                   | invalid port value: "65536"
            postgresql://host?uzer=x                  | invalid connection option "uzer"
            postgresql://host/db?u%7aer=someotheruser | invalid connection option "uzer"
            bogus=1                                   | invalid connection option "bogus"
            =1                                        | invalid connection option ""
            postgresql://[200z:db8::1234]/?hostaddr=200z:db8::1234 | invalid hostaddr value: "200z:db8::1234"
            postgresql://host?sslmode=bogus           | invalid sslmode value: "bogus"
            postgresql://host?sslmode=                | invalid sslmode value: ""
            postgresql://h1,h2?port=1,2,3             | could not match 3 port numbers to 2 hosts
            host=a,b hostaddr=1.2.3.4                 | could not match 2 host names to 1 hostaddr values
            host=a hostaddr=1.2.3.4,5.6.7.8           | could not match 1 host names to 2 hostaddr values
            hostaddr=db.example                       | invalid hostaddr value: "db.example"
            connect_timeout=abc                       | invalid connect_timeout value: "abc"
            connect_timeout=2.5                       | invalid connect_timeout value: "2.5"
            keepalives=maybe                          | invalid keepalives value: "maybe"
            keepalives_idle=-1                        | invalid keepalives_idle value: "-1"
            hostRecheckInterval=5x                    | invalid hostRecheckInterval value: "5x"
            maxMessageSize=3GiB                       | invalid maxMessageSize value: "3GiB"
            min_protocol_version=3.1                  | invalid min_protocol_version value: "3.1"
            require_auth=password,!md5                | invalid require_auth value
            target_session_attrs=master               | invalid target_session_attrs value: "master"
            ssl_min_protocol_version=SSLv3            | invalid ssl_min_protocol_version value: "SSLv3"
            replication=maybe                         | invalid replication value: "maybe"
            sslmode=REQUIRE                           | invalid sslmode value: "REQUIRE"
            sslmode=verify_full                       | invalid sslmode value: "verify_full"
            target_session_attrs=READ-WRITE           | invalid target_session_attrs value: "READ-WRITE"
            load_balance_hosts=RANDOM                 | invalid load_balance_hosts value: "RANDOM"
            channel_binding=Require                   | invalid channel_binding value: "Require"
            sslnegotiation=DIRECT                     | invalid sslnegotiation value: "DIRECT"
            require_auth=PASSWORD                     | unknown method "PASSWORD"
            gssencmode=require                        | gssencmode value "require" invalid
            gssencmode=allow                          | invalid gssencmode value: "allow"
            client_encoding=LATIN1                    | invalid client_encoding value: "LATIN1"
            keepalives=yes                            | invalid keepalives value: "yes"
            sslcertmode=bogus                         | invalid sslcertmode value: "bogus"
            sslcertmode=''                            | invalid sslcertmode value: ""
            tcp_user_timeout=abc                      | invalid tcp_user_timeout value: "abc"
            scram_client_key=abc                      | connection option "scram_client_key" is not supported
            service=''                                | definition of service "" not found
            " postgresql://h/db"                      | missing "=" after "postgresql://h/db"
            """)
    void rejectsWithKeywordAndValue(String connectionString, String message) {
        assertThatThrownBy(() -> parse(connectionString))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((PgConfigException) e).host()).isNull());
    }

    static Stream<Arguments> keywords() {
        return Stream.of(
                kw("dbname=app", ConnConfig::database, "app"),
                kw("user=alice", ConnConfig::user, "alice"),
                kw("user=alice", ConnConfig::database, "alice"),
                kw("password=pw", ConnConfig::password, "pw"),
                kw("password=''", ConnConfig::password, null),
                kw("passfile=/x/pgpass", ConnConfig::passfile, Path.of("/x/pgpass")),
                kw("application_name=svc", ConnConfig::applicationName, "svc"),
                kw("options='-c geqo=off'", ConnConfig::options, "-c geqo=off"),
                kw("replication=database", ConnConfig::replication, "database"),
                kw("replication=on", ConnConfig::replication, "true"),
                kw("replication=false", ConnConfig::replication, null),
                kw("sslmode=verify-ca", ConnConfig::sslMode, SslMode.VERIFY_CA),
                kw("sslmode=verify-full", ConnConfig::sslMode, SslMode.VERIFY_FULL),
                kw("sslmode=require sslnegotiation=direct", ConnConfig::sslNegotiation, SslNegotiation.DIRECT),
                kw("sslrootcert=/ca.pem", ConnConfig::sslRootCert, "/ca.pem"),
                kw("sslcert=/c.pem", ConnConfig::sslCert, Path.of("/c.pem")),
                kw("sslkey=/k.pem", ConnConfig::sslKey, Path.of("/k.pem")),
                kw("sslpassword=kp", ConnConfig::sslPassword, "kp"),
                kw("sslsni=0", ConnConfig::sslSni, false),
                kw("ssl_min_protocol_version=tlsv1.3", ConnConfig::sslMinProtocolVersion, "TLSv1.3"),
                kw("ssl_min_protocol_version=''", ConnConfig::sslMinProtocolVersion, "TLSv1.2"),
                kw("ssl_max_protocol_version=TLSv1.3", ConnConfig::sslMaxProtocolVersion, "TLSv1.3"),
                kw("sslProvider=openssl", ConnConfig::sslProvider, SslProviderKind.OPENSSL),
                kw("sslProvider=jdk", ConnConfig::sslProvider, SslProviderKind.JDK),
                kw("sslProvider=auto", ConnConfig::sslProvider, SslProviderKind.AUTO),
                kw("channel_binding=require", ConnConfig::channelBinding, ChannelBindingMode.REQUIRE),
                kw("require_auth=scram-sha-256", c -> c.requireAuth().allows(AuthMethod.MD5), false),
                kw("target_session_attrs=prefer-standby", ConnConfig::targetSessionAttrs,
                        TargetSessionAttrs.PREFER_STANDBY),
                kw("load_balance_hosts=random", ConnConfig::loadBalanceHosts, LoadBalanceHosts.RANDOM),
                kw("connect_timeout=5", ConnConfig::hostConnectTimeout, Duration.ofSeconds(5)),
                // libpq 18 keeps 1 s (libpq <= 17 raised it to 2 s); 0 and negatives wait forever
                kw("connect_timeout=1", ConnConfig::hostConnectTimeout, Duration.ofSeconds(1)),
                kw("connect_timeout=0", ConnConfig::hostConnectTimeout, Duration.ZERO),
                kw("connect_timeout=-3", ConnConfig::hostConnectTimeout, Duration.ZERO),
                kw("connect_timeout=' 7 '", ConnConfig::hostConnectTimeout, Duration.ofSeconds(7)),
                kw("hostConnectTimeout=750ms", ConnConfig::hostConnectTimeout, Duration.ofMillis(750)),
                kw("connectTimeout=2m", ConnConfig::connectTimeout, Duration.ofMinutes(2)),
                kw("connectTimeout=PT1.5S", ConnConfig::connectTimeout, Duration.ofMillis(1500)),
                kw("connectTimeout=0", ConnConfig::connectTimeout, Duration.ZERO),
                kw("hostRecheckInterval=45", ConnConfig::hostRecheckInterval, Duration.ofSeconds(45)),
                kw("keepalives=0", ConnConfig::keepalives, false),
                kw("keepalives_idle=60", ConnConfig::keepalivesIdle, Duration.ofSeconds(60)),
                kw("keepalives_idle=1", ConnConfig::keepalivesIdle, Duration.ofSeconds(1)),
                kw("keepalives_interval=5", ConnConfig::keepalivesInterval, Duration.ofSeconds(5)),
                kw("keepalives_count=3", ConnConfig::keepalivesCount, 3),
                kw("max_protocol_version=latest", ConnConfig::maxProtocolVersion, ProtocolVersion.V3_2),
                kw("min_protocol_version=3.2 max_protocol_version=3.2", ConnConfig::minProtocolVersion,
                        ProtocolVersion.V3_2),
                // libpq 18: an unset maximum follows a minimum above 3.0 instead of contradicting it
                kw("min_protocol_version=3.2", ConnConfig::maxProtocolVersion, ProtocolVersion.V3_2),
                kw("min_protocol_version=3.0", ConnConfig::maxProtocolVersion, ProtocolVersion.V3_0),
                kw("fallback_application_name=fb", ConnConfig::applicationName, "fb"),
                kw("fallback_application_name=fb application_name=app", ConnConfig::applicationName, "app"),
                // libpq 18 sends "appname ? appname : fbappname": an application_name set at all, even empty, wins
                kw("application_name='' fallback_application_name=fb", ConnConfig::applicationName, null),
                kw("client_encoding=UTF8", ConnConfig::applicationName, null),
                kw("keepalives=2", ConnConfig::keepalives, true),
                kw("keepalives=-1", ConnConfig::keepalives, true),
                kw("sslsni=abc", ConnConfig::sslSni, false),
                kw("sslsni=1", ConnConfig::sslSni, true),
                kw("replication=''", ConnConfig::replication, null),
                kw("tcp_user_timeout=1500", ConnConfig::tcpUserTimeoutMillis, 1500),
                kw("sslcertmode=disable", ConnConfig::sslCertMode, SslCertMode.DISABLE),
                kw("sslcertmode=require", ConnConfig::sslCertMode, SslCertMode.REQUIRE),
                kw("gssencmode=prefer krbsrvname=x gsslib=gssapi gssdelegation=1 sslcompression=1 sslkeylogfile=/k"
                        + " oauth_issuer=https://i oauth_client_id=c oauth_client_secret=s oauth_scope=o", ConnConfig::user,
                        System.getProperty("user.name")),
                kw("extensionTypes=hstore,public.citext", ConnConfig::extensionTypes, List.of("hstore", "public.citext")),
                kw("extensionTypes=''", ConnConfig::extensionTypes, List.of()),
                kw("extensionTypesRequired=true", ConnConfig::extensionTypesRequired, true),
                kw("serverErrorDetail=on", ConnConfig::serverErrorDetail, true),
                kw("cancelGrace=2s", ConnConfig::serverErrorDetail, false),
                kw("minScramIterations=10000", ConnConfig::minScramIterations, 10_000),
                kw("maxScramIterations=200000", ConnConfig::maxScramIterations, 200_000),
                kw("maxMessageSize=16MB", ConnConfig::maxMessageSize, 16 << 20),
                kw("preAuthMaxMessageSize=8192", ConnConfig::preAuthMaxMessageSize, 8192),
                kw("postgresql://h/db?connectTimeout=5s&extensionTypes=vector", ConnConfig::extensionTypes,
                        List.of("vector")));
    }

    private static Arguments kw(String connectionString, Function<ConnConfig, Object> accessor, Object expected) {
        return arguments(connectionString, accessor, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keywords")
    void keywordSetsAccessor(String connectionString, Function<ConnConfig, Object> accessor, Object expected) {
        assertThat(accessor.apply(parse(connectionString))).isEqualTo(expected);
    }

    @Test
    void laterKeywordWinsAcrossAliases() {
        assertThat(parse("hostConnectTimeout=7s connect_timeout=9").hostConnectTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(parse("connect_timeout=9 hostConnectTimeout=7s").hostConnectTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void builderTakesConnectionStringThenOverrides() {
        ConnConfig config = ConnConfig.builder()
                .connectionString("postgresql://alice@h1,h2/app?sslmode=require")
                .user("bob")
                .set("application_name", "svc")
                .build();
        assertThat(config.user()).isEqualTo("bob");
        assertThat(config.database()).isEqualTo("app");
        assertThat(config.sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(config.applicationName()).isEqualTo("svc");
        assertThat(config.hosts()).extracting(HostSpec::label).containsExactly("h1:5432", "h2:5432");
    }

    @Test
    void startupParametersKeepOrder() {
        ConnConfig config = ConnConfig.builder().startupParameter("search_path", "app")
                .startupParameter("work_mem", "64MB").startupParameter("TimeZone", "UTC").build();
        assertThat(config.startupParameters()).containsExactly(Map.entry("search_path", "app"),
                Map.entry("work_mem", "64MB"), Map.entry("TimeZone", "UTC"));
    }
}
