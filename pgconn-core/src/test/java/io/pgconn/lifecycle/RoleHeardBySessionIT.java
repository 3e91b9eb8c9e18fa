package io.pgconn.lifecycle;

import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An established session that hears its server change role (ParameterStatus {@code default_transaction_read_only}
 * after a reload; PostgreSQL tells an idle session with its next statement) tells the factory's host memory, as a
 * connect or the health probe would — so a pool drops every other idle session to that server at once, instead of
 * lending each once more (NEW-USER-12 M1). A change the session's own SQL made says nothing about the server.
 */
class RoleHeardBySessionIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("role-heard")
            .user(PgUser.named("role_heard_u").allow(ConnectionType.HOST, AuthMethod.TRUST))
            .build();

    @AfterEach
    void serverReadWriteAgain() {
        PG.primary().setConfig("default_transaction_read_only", "off");
    }

    @Test
    void aSessionThatHearsItsServerTurnReadOnlyAndBackTellsTheHostMemory() {
        PgServer primary = PG.primary();
        try (PgConnectionFactory factory = factory(primary)) {
            PgConnection session = await(factory.connect());
            assertThat(memory(factory).role()).isEqualTo(ServerRole.PRIMARY);

            primary.setConfig("default_transaction_read_only", "on");
            assertThat(value(session, "SELECT 1")).isEqualTo("1"); // its answer carries default_transaction_read_only=on
            assertThat(memory(factory).role()).as("no connect, no health check: the session told").isEqualTo(ServerRole.READ_ONLY_PRIMARY);
            assertThat(memory(factory).state()).isEqualTo(HostStatus.State.UP);

            primary.setConfig("default_transaction_read_only", "off");
            assertThat(value(session, "SELECT 1")).isEqualTo("1");
            assertThat(memory(factory).role()).isEqualTo(ServerRole.PRIMARY);
            await(session.close());
        }
    }

    @Test
    void aSessionThatSetsItsOwnDefaultReadOnlyLeavesTheHostMemoryAlone() {
        try (PgConnectionFactory factory = factory(PG.primary())) {
            PgConnection session = await(factory.connect());
            await(session.simpleQuery("SET default_transaction_read_only = on"));
            assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");
            assertThat(memory(factory).role()).isEqualTo(ServerRole.PRIMARY);
            await(session.simpleQuery("RESET default_transaction_read_only"));
            await(session.simpleQuery("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
            assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");
            assertThat(memory(factory).role()).isEqualTo(ServerRole.PRIMARY);

            PgConnection other = await(factory.connect());
            assertThat(await(other.simpleQuery("SELECT set_config('default_transaction_read_only', 'on', false)")).singleValue())
                    .isEqualTo("on");
            assertThat(memory(factory).role()).as("set_config in a query").isEqualTo(ServerRole.PRIMARY);
            await(other.close());
            await(session.close());
        }
    }

    private static PgConnectionFactory factory(PgServer server) {
        return PgConnectionFactory.builder(Connect.config(server, "role_heard_u", null, "sslmode=disable extensionTypes=''"))
                .threads(1).build();
    }

    private static HostStatus memory(PgConnectionFactory factory) {
        return factory.hostStatuses().get(0);
    }
}
