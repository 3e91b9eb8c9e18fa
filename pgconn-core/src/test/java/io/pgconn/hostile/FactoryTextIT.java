package io.pgconn.hostile;

import io.pgconn.PgConnection;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 19's F4: a factory's text is kept by others — r2dbc-pool builds its acquire timeout's message from it once,
 * at the pool's construction — so it holds nothing that changes while the factory lives: it read "open=0" during an
 * incident with every session in use (seen failing before: "open=0" then "open=1"), and the whole configuration.
 */
class FactoryTextIT {

    @Test
    void aFactorysTextNamesHostsUserAndDatabaseAndDoesNotChangeWithItsConnections() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, "sslmode=disable")) {
            String before = client.factory().toString();
            assertThat(before).isEqualTo("PgConnectionFactory[hosts=" + server.label() + ", user=alice, database=app]");
            PgConnection connection = client.factory().connect().get(20, TimeUnit.SECONDS);
            assertThat(client.factory().toString()).as("with a connection open").isEqualTo(before);
            connection.close().get(20, TimeUnit.SECONDS);
            server.assertScriptsPassed();
        }
    }
}
