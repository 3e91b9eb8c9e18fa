package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ConnectWalk's confinement: a host NAME is looked up off the event loop, and the walk then continues
 * on its own loop — the thread that starts each host attempt is the one that ends it, never the
 * lookup thread.
 */
class WalkThreadingIT {

    @Test
    void afterTheHostNameLookupTheWalkContinuesOnItsEventLoop() throws Exception {
        List<String> started = new CopyOnWriteArrayList<>();
        List<String> ended = new CopyOnWriteArrayList<>();
        PgTracer tracer = new PgTracer() {
            @Override
            public void hostAttemptStarted(HostAttemptStarted event) {
                started.add(Thread.currentThread().getName());
            }

            @Override
            public void hostAttemptEnded(HostAttemptEnded event) {
                ended.add(Thread.currentThread().getName());
            }
        };
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            c.awaitClientClose();
        })) {
            // "localhost" is a name: it goes through the lookup pool (an IP literal would not)
            ConnConfig config = ConnConfig.parse("host=localhost port=" + server.port() + " user=alice dbname=app sslmode=disable"
                    + " extensionTypes=''", EnvironmentSource.of(Map.of()));
            try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).tracer(tracer).build()) {
                for (int i = 0; i < 5; i++) {
                    PgConnection connection = factory.connect().get(10, TimeUnit.SECONDS);
                    connection.close().get(5, TimeUnit.SECONDS);
                }
            }
        }
        assertThat(started).isNotEmpty().hasSameSizeAs(ended);
        assertThat(started).as("no attempt starts on the lookup pool").noneMatch(name -> name.contains("dns"));
        assertThat(started).as("each attempt starts on the loop that ends it").isEqualTo(ended);
    }
}
