package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.AuthMethod;
import io.pgconn.config.SslMode;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS and SCRAM configured through {@code pg.conn.*} alone, as an application would: the chain is
 * verified against the testkit's CA and the host name checked ({@code verify-full}), and SCRAM runs
 * with channel binding ({@code SCRAM-SHA-256-PLUS}); the server's own view confirms TLS.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=verify-full", "pg.conn.channel-binding=require", "pg.conn.require-auth=scram-sha-256",
        "pg.conn.database=postgres", "pg.conn.username=tls_app", "pg.conn.extension-types=" })
class PgConnTlsScramIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.tlsOnly("starter-tls", "tls_app", "tls-Pa55");

    @Autowired
    private PgConnectionFactory factory;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> "localhost:" + PG.primary().port());
        registry.add("pg.conn.ssl.root-cert", () -> PG.tls().caCertificate().toString());
        registry.add("pg.conn.password", () -> "tls-Pa55");
    }

    @Test
    void verifyFullWithChannelBoundScram() throws Exception {
        assertThat(this.factory.config().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        PgConnection connection = this.factory.connect().get(30, TimeUnit.SECONDS);
        try {
            assertThat(connection.tlsProtocol()).hasValueSatisfying(p -> assertThat(p).matches("TLSv1\\.[23]"));
            assertThat(connection.authMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256_PLUS);
            assertThat(connection.simpleQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .get(10, TimeUnit.SECONDS).singleValue()).isEqualTo("t");
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
