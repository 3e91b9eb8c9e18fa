package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Connection strings from libpq's own tests (001_uri.pl, the authentication, SSL, load-balancing and
 * target_session_attrs TAP tests), libpq's documentation and edge cases, each with what libpq 18.0
 * answered (recorded by {@code src/test/libpq-harness}, which runs libpq itself; see its README): pgconn
 * must accept what libpq accepts with the same resolved settings, and refuse what libpq refuses.
 * Where pgconn differs on purpose the case says so and why (docs/lifecycle.md §9).
 */
class LibpqConformanceTest {

    private static final String CASES = "/libpq-conformance/libpq18-cases.tsv";
    private static final String PGPASS_CASES = "/libpq-conformance/libpq18-pgpass-cases.tsv";
    /** The password file the .pgpass cases were recorded with. */
    private static final String PGPASS = "/libpq-conformance/libpq18-pgpass";
    /** The service files the cases were recorded with (HOME/.pg_service.conf and PGSYSCONFDIR/pg_service.conf). */
    private static final String USER_SERVICES = """
            [svc]
            host=svchost
            port=6000
            dbname=svcdb
            user=svcuser

            [svc2]
            # a comment
            host=h2
            application_name=fromsvc
            sslmode=require

            [badkw]
            nosuch=1

            [badline]
            host

            [svcport]
            host=a,b
            port=6001,6002

            [svcuri]
            dbname=postgresql://u2@h2/realdb

            [svcspacekey]
            host = spaced

            [svcspaceval]
            host= spaced
            dbname=d b \s

            [svcdup]
            host=first

            [svcdup]
            host=second

            [svcdupkey]
            host=one
            host=two

            [svcempty]
            host=
            port=

            [svcinline]
            host=h # not a comment

            [svcnested]
            service=svc

            [svccase]
            Host=h

            [svcquoted]
            host='quoted'
            application_name='a b'

            [svcbadval]
            sslmode=bogus

            [svcnoeq]
            host

            [svcservicefile]
            servicefile=/nonexistent

            [ svctrail ]
            host=nomatch
            [svctrail]  \s
            host=trailing

            [svcpass]
            password=pw-from-service
            user=svcu

            [svcafterbad]
            host=fine
            [svcsslsys]
            sslrootcert=system

            [svcint]
            connect_timeout=abc
            keepalives=x
            port=+7

            [svcdupsec]
            host=dup1
              [svcdupsec]
            host=dup2
            """;
    private static final String SYSTEM_SERVICES = """
            [syssvc]
            host=syshost
            [svc]
            host=shadowed
            """;

    @TempDir
    static Path home;

    @BeforeAll
    static void serviceFiles() throws IOException {
        Files.writeString(home.resolve(".pg_service.conf"), USER_SERVICES);
        Files.writeString(Files.createDirectories(home.resolve("sysconf")).resolve("pg_service.conf"), SYSTEM_SERVICES);
        byte[] pgpass;
        try (InputStream in = LibpqConformanceTest.class.getResourceAsStream(PGPASS)) {
            assertThat(in).as(PGPASS).isNotNull();
            pgpass = in.readAllBytes();
        }
        Files.setPosixFilePermissions(Files.write(home.resolve("pgpass"), pgpass), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(Files.write(home.resolve("pgpass_open"), pgpass), PosixFilePermissions.fromString("rw-r--r--"));
        Path home2 = Files.createDirectories(home.resolve("home2"));
        Files.setPosixFilePermissions(Files.write(home2.resolve(".pgpass"), pgpass), PosixFilePermissions.fromString("rw-------"));
    }

    static Stream<Arguments> pgpassCases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = LibpqConformanceTest.class.getResourceAsStream(PGPASS_CASES)) {
            assertThat(in).as(PGPASS_CASES).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    String[] f = line.split("\t", -1);
                    cases.add(arguments(f[1], f[0], f[2], f.length > 3 ? f[3] : ""));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The password libpq takes from the string, the environment, a service or the password file (matching
     * host or socket directory, port, database and user; escapes, wildcards, comments), for the first host.
     */
    @ParameterizedTest(name = "[{index}] {0}  (env {1}) → libpq: {2}")
    @MethodSource("pgpassCases")
    void picksThePasswordLibpqPicks(String connectionString, String environment, String libpq, String deliberate) {
        ConnConfig config = ConnConfig.parse(withFiles(connectionString), environment(withFiles(environment)));
        String password = config.passwordFor(config.hosts().get(0));
        // "deliberate: pgconn gives <password>: <why>"
        String expected = deliberate.isEmpty() ? libpq
                : deliberate.substring("deliberate: pgconn gives ".length(), deliberate.indexOf(": ", "deliberate: pgconn gives ".length()));
        assertThat(password == null || password.isEmpty() ? "-" : password).as("libpq 18: %s %s", libpq, deliberate).isEqualTo(expected);
    }

    private static String withFiles(String text) {
        return text.replace("@PGPASS_OPEN@", home.resolve("pgpass_open").toString()).replace("@PGPASS@", home.resolve("pgpass").toString())
                .replace("@HOME2@", home.resolve("home2").toString());
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = LibpqConformanceTest.class.getResourceAsStream(CASES)) {
            assertThat(in).as(CASES).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                Map<String, String> expected = new LinkedHashMap<>();
                for (int i = 3; i < f.length; i++) {
                    int eq = f[i].indexOf('=');
                    expected.put(eq < 0 ? f[i] : f[i].substring(0, eq), eq < 0 ? "" : f[i].substring(eq + 1));
                }
                cases.add(arguments(f[1], f[0], f[2], f.length > 3 ? f[3] : "", expected));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}  (env {1}) → libpq: {2}")
    @MethodSource("cases")
    void behavesAsLibpq(String connectionString, String environment, String libpq, String libpqSaid, Map<String, String> expected) {
        EnvironmentSource env = environment(environment);
        if (libpq.equals("deliberate") && libpqSaid.startsWith("pgconn accepts")) {
            ConnConfig.parse(connectionString, env);
            return;
        }
        if (!libpq.equals("ok")) {
            // error: refused before dialling; connect-error: refused by libpq while connecting, by pgconn when parsing;
            // deliberate: pgconn refuses on purpose (the reason is in the case)
            assertThatThrownBy(() -> ConnConfig.parse(connectionString, env))
                    .as("libpq 18: %s (%s)", libpq, libpqSaid)
                    .isInstanceOf(PgConfigException.class);
            return;
        }
        ConnConfig config = ConnConfig.parse(connectionString, env);
        Map<String, String> actual = new LinkedHashMap<>();
        for (String key : expected.keySet()) {
            actual.put(key, valueOf(config, key));
        }
        assertThat(actual).as("resolved settings (libpq 18's, normalised)").isEqualTo(withOsUser(expected));
    }

    private static EnvironmentSource environment(String spec) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PGSYSCONFDIR", home.resolve("sysconf").toString());
        if (!spec.equals("-")) {
            for (String pair : spec.split(";")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1).replace("@HOME@", home.toString()));
            }
        }
        return EnvironmentSource.of(env);
    }

    /** The recording ran as one OS user; the default user and database are whoever runs the test. */
    private static Map<String, String> withOsUser(Map<String, String> expected) {
        Map<String, String> out = new LinkedHashMap<>();
        expected.forEach((k, v) -> out.put(k, v.replace("@OSUSER@", System.getProperty("user.name"))));
        return out;
    }

    /** ConnConfig's value in the form the recording normalised libpq's to. */
    private static String valueOf(ConnConfig c, String key) {
        return switch (key) {
            case "hosts" -> {
                StringBuilder hosts = new StringBuilder();
                for (HostSpec h : c.hosts()) {
                    hosts.append(h.host()).append('/').append(h.hostaddr() == null ? "" : h.hostaddr()).append('/').append(h.port()).append(';');
                }
                yield hosts.toString();
            }
            case "user" -> c.user();
            case "dbname" -> c.database();
            case "password" -> c.password();
            case "application_name" -> c.applicationName() == null ? "" : c.applicationName();
            case "options" -> c.options() == null ? "" : c.options();
            case "sslmode" -> c.sslMode().libpqName();
            case "sslnegotiation" -> c.sslNegotiation().libpqName();
            case "channel_binding" -> c.channelBinding().libpqName();
            case "target_session_attrs" -> c.targetSessionAttrs().libpqName();
            case "load_balance_hosts" -> c.loadBalanceHosts().libpqName();
            case "connect_timeout" -> String.valueOf(c.hostConnectTimeout().toSeconds());
            case "keepalives" -> c.keepalives() ? "1" : "0";
            case "keepalives_idle" -> c.keepalivesIdle() == null ? "0" : String.valueOf(c.keepalivesIdle().toSeconds());
            case "keepalives_interval" -> c.keepalivesInterval() == null ? "0" : String.valueOf(c.keepalivesInterval().toSeconds());
            case "keepalives_count" -> c.keepalivesCount() == null ? "0" : String.valueOf(c.keepalivesCount());
            case "tcp_user_timeout" -> c.tcpUserTimeoutMillis() == null ? "0" : String.valueOf(c.tcpUserTimeoutMillis());
            case "sslsni" -> c.sslSni() ? "1" : "0";
            case "replication" -> c.replication() == null ? "" : c.replication();
            case "min_protocol_version" -> c.minProtocolVersion().toString();
            case "max_protocol_version" -> c.maxProtocolVersion().toString();
            default -> throw new IllegalArgumentException("no such field in the recording: " + key);
        };
    }
}
