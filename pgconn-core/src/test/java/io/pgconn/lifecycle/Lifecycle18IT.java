package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.lifecycle.LifecycleCluster.PASSWORD;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle matrix on PostgreSQL 18, plus what only 17+/18 offer: direct TLS and protocol 3.2. */
class Lifecycle18IT extends AbstractLifecycleIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(18);

    @Override
    PgClusterExtension pg() {
        return PG;
    }

    @Test
    void directTlsWithAlpn() {
        PgConnection connection = connect("scram_u", PASSWORD, tlsOptions("verify-full") + " sslnegotiation=direct");
        try {
            assertThat(connection.tlsProtocol()).isPresent();
            assertThat(connection.authMethod()).isEqualTo(io.pgconn.AuthMethod.SCRAM_SHA_256_PLUS);
        } finally {
            await(connection.close());
        }
    }

    @Test
    void hostaddrIsDialledWhileTheHostNameIsCheckedByTls() {
        // localhost → 127.0.0.1 without DNS; the certificate is checked against the NAME
        PgConnection ok = connect("scram_u", PASSWORD, tlsOptions("verify-full") + " hostaddr=127.0.0.1");
        await(ok.close());
        // a name that does not resolve is never looked up, and the certificate does not name it
        io.pgconn.config.ConnConfig wrongName = io.pgconn.config.ConnConfig.parse("host=db.wrong.example hostaddr=127.0.0.1 port="
                + PG.primary().port() + " dbname=postgres user=scram_u password=" + PASSWORD + " extensionTypes='' "
                + tlsOptions("verify-full"), io.pgconn.config.EnvironmentSource.of(java.util.Map.of()));
        Throwable failure = io.pgconn.testing.Connect.failure(FACTORY.factory().connect(wrongName));
        assertThat(failure).isInstanceOf(io.pgconn.PgTlsException.class).hasMessageContaining("db.wrong.example");
    }

    /**
     * libpq 18: "host name must be specified for a verified SSL connection" for {@code hostaddr} without
     * {@code host} under verify-full (new user 7 F3: pgconn connected, checking the address against the
     * certificate's IP SAN). verify-ca, which checks no name, connects.
     */
    @Test
    void hostaddrWithoutAHostNameIsRefusedUnderVerifyFull() {
        String hostaddrOnly = "hostaddr=127.0.0.1 port=" + PG.primary().port() + " dbname=postgres user=scram_u password="
                + PASSWORD + " extensionTypes='' ";
        io.pgconn.config.ConnConfig verifyFull = io.pgconn.config.ConnConfig.parse(hostaddrOnly + tlsOptions("verify-full"),
                io.pgconn.config.EnvironmentSource.of(java.util.Map.of()));
        Throwable failure = io.pgconn.testing.Connect.failure(FACTORY.factory().connect(verifyFull));
        assertThat(failure).isInstanceOf(io.pgconn.PgConfigException.class)
                .hasMessageContaining("host name must be specified for a verified SSL connection")
                .hasMessageContaining("hostaddr=127.0.0.1 but no host")
                .hasMessageContaining("sslmode=verify-ca")
                .hasMessageNotContaining(PASSWORD);
        io.pgconn.PgConfigException refusal = (io.pgconn.PgConfigException) failure;
        assertThat(refusal.keyword()).contains("host");
        assertThat(refusal.conflictsWith()).containsExactly("hostaddr", "sslmode");
        assertThat(refusal.host()).isEqualTo("127.0.0.1:" + PG.primary().port());

        io.pgconn.config.ConnConfig verifyCa = io.pgconn.config.ConnConfig.parse(hostaddrOnly + tlsOptions("verify-ca"),
                io.pgconn.config.EnvironmentSource.of(java.util.Map.of()));
        PgConnection connection = await(FACTORY.factory().connect(verifyCa));
        try {
            assertThat(connection.tlsProtocol()).isPresent();
        } finally {
            await(connection.close());
        }
    }

    /** PostgreSQL 16+ can store weak verifiers (scram_iterations): still refused by default, with the way out named. */
    @Test
    void aScramIterationCountBelowTheMinimumIsRefusedNamingTheSettingAndTheCount() {
        PG.primary().execute("SET scram_iterations = 1024; ALTER ROLE low_iter PASSWORD '" + PASSWORD + "'");
        Throwable failure = refusal("low_iter", PASSWORD, "sslmode=disable");
        assertThat(failure).isInstanceOf(io.pgconn.PgAuthenticationException.class)
                .hasMessageContaining("1024")
                .hasMessageContaining("minScramIterations=4096")
                .hasMessageContaining("set minScramIterations=1024")
                .hasMessageNotContaining(PASSWORD);
        PgConnection allowed = connect("low_iter", PASSWORD, "sslmode=disable minScramIterations=1024");
        await(allowed.close());
    }

    @Test
    void protocol32GivesALongCancelKey() {
        PgConnection connection = connect("trust_u", null, "sslmode=disable max_protocol_version=latest");
        try {
            assertThat(connection.protocolVersion()).isEqualTo(ProtocolVersion.V3_2);
            assertThat(SessionAccess.facts(connection).secretKey().length).isGreaterThan(4);
        } finally {
            await(connection.close());
        }
    }

    /**
     * libpq: a host entry with {@code hostaddr} is dialled at that address over TCP, even when {@code host} names a
     * Unix-socket directory (the host then only names the server, e.g. for {@code .pgpass}). trust_u may log in over
     * TCP only, so the session itself shows which way it was dialled; TLS (sslmode=prefer) shows it too.
     */
    @Test
    void hostaddrIsDialledOverTcpEvenWhenTheHostIsASocketDirectory() {
        PgConnection connection = connect("trust_u", null, "host=" + PG.primary().socketDirectory() + " hostaddr=127.0.0.1");
        try {
            assertThat(io.pgconn.testing.Connect.value(connection, "SELECT inet_server_port()")).isEqualTo(String.valueOf(PG.primary().port()));
            assertThat(connection.tlsProtocol()).as("sslmode=prefer encrypts over TCP").isPresent();
        } finally {
            await(connection.close());
        }
    }
}
