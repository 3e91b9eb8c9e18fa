package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.PgTlsException;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** sslmode against a server without TLS: it answers 'N' to SSLRequest. */
class NoTlsServerIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("notls")
            .user(PgUser.scram("u", "pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    static java.nio.file.Path rootCert;

    @BeforeAll
    static void makeAnUnusedCa(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        rootCert = io.pgconn.testkit.PgTls.generate(dir).caCertificate(); // a real CA the server never uses
    }

    @ParameterizedTest(name = "sslmode={0} → {1}")
    @CsvSource({"disable, plain", "allow, plain", "prefer, plain", "require, refused", "verify-ca, refused", "verify-full, refused"})
    void sslModesAgainstAServerWithoutTls(String mode, String outcome) {
        String root = mode.startsWith("verify") ? " sslrootcert=" + rootCert : "";
        ConnConfig config = Connect.config(PG.primary(), "u", "pw", "extensionTypes='' sslmode=" + mode + root);
        if (outcome.equals("plain")) {
            PgConnection c = await(FACTORY.factory().connect(config));
            assertThat(c.tlsProtocol()).isEmpty();
            await(c.close());
        } else {
            Throwable failure = failure(FACTORY.factory().connect(config));
            assertThat(failure).isInstanceOf(PgTlsException.class)
                    .hasMessageContaining("does not support SSL").hasMessageContaining("sslmode=" + mode);
        }
    }
}
