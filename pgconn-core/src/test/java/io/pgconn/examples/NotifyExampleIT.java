package io.pgconn.examples;

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

/** Runs the README's LISTEN/NOTIFY example against a real PostgreSQL 18. */
class NotifyExampleIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("notify-example")
            .user(PgUser.scram("alice", "alice-pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    void readmeNotifyExampleReceivesWhatItSent() throws InterruptedException {
        String dsn = "postgresql://alice:alice-pw@localhost:" + PG.primary().port() + "/postgres?sslmode=disable&extensionTypes=";
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            NotifyExample.main(new String[]{dsn});
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines()).containsExactly("order 42 paid");
    }
}
