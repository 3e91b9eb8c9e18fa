package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle matrix on PostgreSQL 14: protocol 3.2 is negotiated down to 3.0. */
class Lifecycle14IT extends AbstractLifecycleIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(14);

    @Override
    PgClusterExtension pg() {
        return PG;
    }

    @Test
    void protocol32IsNegotiatedDownTo30() {
        PgConnection connection = connect("trust_u", null, "sslmode=disable max_protocol_version=latest");
        try {
            assertThat(connection.protocolVersion()).isEqualTo(ProtocolVersion.V3_0);
            assertThat(SessionAccess.facts(connection).secretKey()).hasSize(4);
        } finally {
            await(connection.close());
        }
    }
}
