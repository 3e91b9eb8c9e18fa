package io.pgconn.lifecycle;

import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link PgConnectionFactory#onHostUp} listener is the application's code, called inside the connect that found
 * the host up. What it throws — an {@link Error} too (a failed assertion, a class that would not load) — is logged
 * and fails nothing (FatalErrors' rule): an {@code AssertionError} used to escape the host memory after the connect's
 * outcome was settled and before it was handed out, so the connect never completed and its session stayed open,
 * handed to no one (REVIEW-13).
 */
class HostUpListenerErrorIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("hostup-error")
            .user(PgUser.named("hostup_u").allow(ConnectionType.HOST, AuthMethod.TRUST))
            .build();

    @Test
    void aListenerThatThrowsAnErrorNeitherHangsTheConnectNorSilencesTheOthers() {
        List<HostStatus> told = new CopyOnWriteArrayList<>();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(Connect.config(PG.primary(), "hostup_u", null,
                "sslmode=disable extensionTypes=''")).threads(1).build()) {
            factory.onHostUp(status -> {
                throw new AssertionError("a listener's failed check");
            });
            factory.onHostUp(told::add);
            PgConnection connection = await(factory.connect());
            assertThat(await(connection.simpleQuery("SELECT 1")).singleValue()).isEqualTo("1");
            assertThat(told).singleElement().satisfies(status -> {
                assertThat(status.state()).isEqualTo(HostStatus.State.UP);
                assertThat(status.role()).isEqualTo(ServerRole.PRIMARY);
            });
            assertThat(factory.openConnections()).isEqualTo(1);
            await(connection.close());
        }
    }
}
