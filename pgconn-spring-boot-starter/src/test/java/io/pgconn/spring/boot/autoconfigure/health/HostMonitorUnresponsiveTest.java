package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * When a host stops answering, the application's connections to it are closed: after two probes in a
 * row got no answer, not after one (a JVM pause or one slow answer lets a single probe time out while
 * the server is fine; closing then failed all the host's work in flight). Driven probe by probe; the
 * monitor's connection is a stand-in whose role probe answers, or never does, as the test says.
 */
class HostMonitorUnresponsiveTest {

    private static final HostSpec HOST = HostSpec.of("db.test", 5432);

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(100);

    /** Why the application factory was asked to close the host's connections, each time. */
    private final List<String> closes = new CopyOnWriteArrayList<>();

    /** Whether the next role probe answers. */
    private volatile boolean answers = true;

    private HostMonitor monitor;

    @BeforeEach
    void monitor() {
        PgConnectionFactory application = mock(PgConnectionFactory.class);
        HostObservations observations = mock(HostObservations.class);
        when(application.hostObservations(org.mockito.ArgumentMatchers.any())).thenReturn(observations);
        when(application.config()).thenReturn(ConnConfig.builder().hosts(HOST).user("app").build());
        when(observations.closeConnections(any(HostSpec.class), anyString())).thenAnswer(invocation -> {
            this.closes.add(invocation.getArgument(1));
            return CompletableFuture.completedFuture(3);
        });
        PgConnectionFactory monitorFactory = mock(PgConnectionFactory.class);
        when(monitorFactory.connect(any(ConnConfig.class))).thenAnswer(invocation -> CompletableFuture.completedFuture(connection()));
        this.monitor = new HostMonitor(HOST, monitorFactory, application, Duration.ofSeconds(1), PROBE_TIMEOUT,
                Clock.systemUTC(), view -> { });
    }

    /** A monitor connection whose role probe answers, or never does, as {@link #answers} says when it is asked. */
    private PgConnection connection() {
        PgConnection connection = mock(PgConnection.class);
        when(connection.currentRole()).thenAnswer(invocation -> this.answers
                ? CompletableFuture.completedFuture(ServerRole.PRIMARY)
                : new CompletableFuture<ServerRole>());
        when(connection.serverVersion()).thenReturn("18.0");
        when(connection.simpleQuery(ServerIdentity.QUERY)).thenReturn(CompletableFuture.failedFuture(new UnsupportedOperationException(
                "a stand-in session tells no server identity")));
        when(connection.close()).thenReturn(CompletableFuture.completedFuture(null));
        return connection;
    }

    private void probe(boolean answered) throws Exception {
        this.answers = answered;
        this.monitor.probe().get(10, TimeUnit.SECONDS);
        assertThat(this.monitor.view().isUp()).as("the host after a probe that " + (answered ? "answered" : "did not")).isEqualTo(answered);
    }

    @Test
    void oneUnansweredProbeBetweenAnswersClosesNothing() throws Exception {
        probe(true);
        probe(false); // a GC pause on the application's side, or one slow answer
        probe(true);
        probe(false);
        probe(true);
        assertThat(this.closes).isEmpty();
    }

    @Test
    void twoUnansweredProbesInARowCloseTheHostsConnectionsOnce() throws Exception {
        probe(true);
        probe(false);
        assertThat(this.closes).isEmpty();
        probe(false);
        assertThat(this.closes).containsExactly(
                "the server stopped answering (no answer to 2 pgconn health checks in a row, 100 ms each)");
        probe(false);
        probe(false);
        assertThat(this.closes).as("once per silence").hasSize(1);
        probe(true);
        probe(false);
        probe(false);
        assertThat(this.closes).as("the next silence, after an answer").hasSize(2);
    }
}
