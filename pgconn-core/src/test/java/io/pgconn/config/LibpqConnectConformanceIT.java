package io.pgconn.config;

import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Connection strings run against real servers, each with the outcome libpq 18.0 had on the same kind of
 * cluster (recorded by {@code src/test/libpq-harness}; see its README): the sslmode × root-certificate ×
 * sslnegotiation matrix, every authentication method with require_auth and channel_binding, passwords
 * from the string, PGPASSWORD and .pgpass, target_session_attrs over primary/standby host lists,
 * load_balance_hosts, connect_timeout and keepalive values, application_name and its fallback, dbname as
 * a connection string, revocation lists and environment variables. pgconn must connect where libpq
 * connected — to the same server, with the same TLS, user, database and application_name — and fail
 * where libpq failed, except where docs/lifecycle.md §9 says otherwise (the case names the reason).
 */
class LibpqConnectConformanceIT {

    private static final String CASES = "/libpq-conformance/libpq18-connect-cases.tsv";
    private static final String SECRET = "secret";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("libpq-conformance")
            .majorVersion(18)
            .tls()
            .standbys(1)
            .user(PgUser.named("trust_u").allow(ConnectionType.HOST, AuthMethod.TRUST))
            .user(PgUser.md5("md5_u", SECRET).allow(ConnectionType.HOST, AuthMethod.MD5))
            .user(PgUser.scram("pw_u", SECRET).allow(ConnectionType.HOST, AuthMethod.PASSWORD))
            .user(PgUser.scram("scram_u", SECRET).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            // trusted over one encryption, asked for a password over the other: which encryption a failure
            // is retried with (allow/prefer) shows in whether these users get in
            .user(PgUser.scram("nossl_u", SECRET).allow(ConnectionType.HOSTNOSSL, AuthMethod.TRUST))
            .user(PgUser.scram("sslonly_u", SECRET).allow(ConnectionType.HOSTSSL, AuthMethod.TRUST))
            .hba("host all nossl_u all scram-sha-256")
            .hba("host all sslonly_u all scram-sha-256")
            .initSql("CREATE DATABASE trust_u")
            .initSql("CREATE DATABASE md5_u")
            .initSql("CREATE DATABASE pw_u")
            .initSql("CREATE DATABASE scram_u")
            // a primary whose sessions are read-only by default: target_session_attrs=read-write must skip it
            .initSql("CREATE DATABASE rodb")
            .initSql("ALTER DATABASE rodb SET default_transaction_read_only = on")
            // libpq's 002_saslprep.pl roles: the password as stored, and spellings SASLprep maps onto it
            .initSql("SET password_encryption = 'scram-sha-256'; CREATE ROLE saslpreptest1_role LOGIN PASSWORD 'IX';"
                    + " CREATE ROLE saslpreptest4a_role LOGIN PASSWORD 'a'; CREATE ROLE saslpreptest4b_role LOGIN PASSWORD E'\\xc2\\xaa';"
                    + " CREATE ROLE saslpreptest6_role LOGIN PASSWORD E'foo\\x07bar';"
                    + " CREATE ROLE saslpreptest7_role LOGIN PASSWORD E'foo\\u0627\\u0031bar'")
            .hba("host all saslpreptest1_role,saslpreptest4a_role,saslpreptest4b_role,saslpreptest6_role,saslpreptest7_role all scram-sha-256")
            .build();

    @TempDir
    static Path dir;
    private static PgConnectionFactory factory;
    private static Map<String, String> placeholders;

    @BeforeAll
    static void files() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path pgpass = Files.writeString(home.resolve(".pgpass"), "127.0.0.1:" + PG.primary().port() + ":*:md5_u:" + SECRET + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Path revoked = PG.cluster().tls().revocationList(true);
        Path crlDir = Files.createDirectories(dir.resolve("crls"));
        Files.copy(revoked, crlDir.resolve("0a1b2c3d.r0"));
        placeholders = new java.util.LinkedHashMap<>();
        placeholders.put("@PRIMARY@", String.valueOf(PG.primary().port()));
        placeholders.put("@STANDBY@", String.valueOf(PG.standby(0).port()));
        placeholders.put("@CA@", PG.cluster().tls().caCertificate().toString());
        placeholders.put("@OTHER_CA@", PG.cluster().tls().untrustedCaCertificate().toString());
        placeholders.put("@HOME@", home.toString());
        placeholders.put("@CRL_EMPTY@", PG.cluster().tls().revocationList(false).toString());
        placeholders.put("@CRL_REVOKED@", revoked.toString());
        placeholders.put("@CRL_DIR@", crlDir.toString());
        placeholders.put("@EMPTY_DIR@", Files.createDirectories(dir.resolve("empty")).toString());
        factory = PgConnectionFactory.create(ConnConfig.builder().build());
    }

    @AfterAll
    static void closeFactory() {
        if (factory != null) {
            factory.close();
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = LibpqConnectConformanceIT.class.getResourceAsStream(CASES)) {
            assertThat(in).as(CASES).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    String[] f = line.split("\t", -1);
                    cases.add(arguments(f[1], f[0], f[2], f[3]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}  (env {1}) → libpq: {2} {3}")
    @MethodSource("cases")
    void connectsAsLibpq(String connectionString, String environment, String libpq, String libpqSaw) {
        String text = substitute(connectionString);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", placeholders.get("@HOME@"));
        if (!environment.equals("-")) {
            for (String pair : substitute(environment).split(";")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        ConnConfig config;
        try {
            // hostRecheckInterval=0: no host-status memory between cases (docs/lifecycle.md §2.4), libpq has none
            config = ConnConfig.builder().environment(EnvironmentSource.of(env)).connectionString(text)
                    .extensionTypes(List.of()).hostRecheckInterval(java.time.Duration.ZERO).build();
        } catch (PgConfigException e) {
            assertThat(libpq).as("pgconn refused the string (%s); libpq 18: %s %s", e.getMessage(), libpq, libpqSaw).isNotEqualTo("ok");
            return;
        }
        CompletableFuture<PgConnection> connecting = factory.connect(config);
        if (!libpq.equals("ok")) {
            assertThat(failure(connecting)).as("libpq 18: %s", libpqSaw)
                    .satisfies(e -> assertThat(libpq.equals("deliberate") ? e instanceof PgConfigException : e instanceof io.pgconn.PgException)
                            .as("%s", e).isTrue());
            return;
        }
        PgConnection connection = await(connecting);
        try {
            QueryResult r = await(connection.simpleQuery("SELECT current_user, current_database(), current_setting('application_name'),"
                    + " pg_is_in_recovery()"));
            List<String> row = r.rows().get(0);
            String tls = "ssl=" + (connection.tlsProtocol().isPresent() ? 1 : 0) + " user=" + row.get(0) + " db=" + row.get(1)
                    + " app=" + row.get(2);
            String saw = libpqSaw.startsWith("random: ") ? "random: " + tls
                    : "host=" + connection.hostSpec().host() + " port=" + connection.hostSpec().port() + " " + tls + " recovery=" + row.get(3);
            assertThat(saw).isEqualTo(substitute(libpqSaw));
        } finally {
            await(connection.close());
        }
    }

    /**
     * libpq has no memory between connects: after a refused password on the first host, the next connect
     * starts with the first host again. The factory's host memory must not make it start elsewhere (it
     * remembers only hosts that could not take a session, docs/lifecycle.md §2.4).
     */
    @org.junit.jupiter.api.Test
    void aRefusedPasswordDoesNotMoveTheFirstHostToTheEndOfTheNextConnect() {
        String hosts = "host=127.0.0.1,127.0.0.1 port=" + PG.primary().port() + "," + PG.standby(0).port()
                + " dbname=postgres user=scram_u target_session_attrs=any sslmode=disable";
        try (PgConnectionFactory shared = PgConnectionFactory.create(ConnConfig.builder().build())) {
            Throwable refused = failure(shared.connect(ConnConfig.builder().connectionString(hosts + " password=wrong")
                    .extensionTypes(List.of()).build()));
            assertThat(refused).isInstanceOf(io.pgconn.PgAuthenticationException.class);
            PgConnection connection = await(shared.connect(ConnConfig.builder().connectionString(hosts + " password=" + SECRET)
                    .extensionTypes(List.of()).build()));
            try {
                assertThat(connection.hostSpec().port()).as("libpq 18 connects to the first host").isEqualTo(PG.primary().port());
            } finally {
                await(connection.close());
            }
        }
    }

    /**
     * libpq sends PGTZ and PGGEQO as the startup parameters timezone and geqo (fe-connect.c's EnvironmentOptions;
     * "default" in any case sends none), after the options, so PGTZ wins over {@code options=-c TimeZone=...}, and an
     * explicit startup parameter of the same name wins over the variable. PGDATESTYLE is the third such variable; pgconn
     * does not send it (docs/lifecycle.md §9: its text-format decoders read ISO dates).
     */
    @org.junit.jupiter.api.Test
    void pgtzAndPggeqoAreSentAsLibpqSendsThem() {
        Map<String, String> env = Map.of("PGTZ", "America/New_York", "PGGEQO", "off", "PGDATESTYLE", "German, DMY");
        String string = "host=127.0.0.1 port=" + PG.primary().port() + " dbname=postgres user=trust_u options='-c TimeZone=UTC'";
        ConnConfig config = ConnConfig.builder().environment(EnvironmentSource.of(env)).connectionString(string)
                .extensionTypes(List.of()).build();
        PgConnection connection = await(factory.connect(config));
        try {
            assertThat(await(connection.simpleQuery("SELECT current_setting('TimeZone'), current_setting('geqo'), current_setting('DateStyle')"))
                    .rows().get(0)).containsExactly("America/New_York", "off", "ISO, MDY");
        } finally {
            await(connection.close());
        }
        ConnConfig explicit = config.toBuilder().startupParameter("TimeZone", "Asia/Tokyo").build();
        PgConnection second = await(factory.connect(explicit));
        try {
            assertThat(await(second.simpleQuery("SELECT current_setting('TimeZone')")).rows().get(0)).containsExactly("Asia/Tokyo");
        } finally {
            await(second.close());
        }
    }

    private static String substitute(String text) {
        String out = text;
        for (Map.Entry<String, String> e : placeholders.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }
}
