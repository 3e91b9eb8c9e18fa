package io.pgconn.examples;

import io.pgconn.testing.Backends;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the README's example main against a real PostgreSQL 18 over TLS with SCRAM. */
class ConnectExampleIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("example")
            .tls()
            .user(PgUser.scram("alice", "alice-pw").allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    void readmeExampleConnectsQueriesAndCloses() {
        String dsn = "postgresql://alice:alice-pw@localhost:" + PG.primary().port() + "/postgres?sslmode=verify-full&sslrootcert="
                + PG.tls().caCertificate();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ConnectExample.main(new String[]{dsn});
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("connected to localhost:" + PG.primary().port() + " (primary, TLSv1.3, scram-sha-256-plus)");
        assertThat(output).contains("PostgreSQL 18");
        Backends.awaitNoneOf(PG.primary(), "alice"); // the backend ends shortly after the client's Terminate
    }
}
