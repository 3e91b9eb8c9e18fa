package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.protocol.ProtocolVersion;
import io.pgconn.session.DefaultPgConnection;
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
            assertThat(connection.authMethod()).isEqualTo(io.pgconn.auth.AuthMethod.SCRAM_SHA_256_PLUS);
        } finally {
            await(connection.close());
        }
    }

    @Test
    void protocol32GivesALongCancelKey() {
        PgConnection connection = connect("trust_u", null, "sslmode=disable max_protocol_version=latest");
        try {
            assertThat(connection.protocolVersion()).isEqualTo(ProtocolVersion.V3_2);
            assertThat(((DefaultPgConnection) connection).facts().secretKey().length).isGreaterThan(4);
        } finally {
            await(connection.close());
        }
    }
}
