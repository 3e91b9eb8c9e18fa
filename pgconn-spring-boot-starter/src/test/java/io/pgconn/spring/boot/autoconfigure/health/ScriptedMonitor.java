package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spi.HostObservations;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The scripted {@link HostMonitor} the {@code HostMonitor*Test}s drive probe by probe: one host, stand-in factories, a
 * settable clock moved one probe interval after each probe. Each login the monitor makes is counted; it fails with
 * {@link #refuseWith} when set, else gets a session that answers, for its whole life, the role {@link #labelServer}
 * had at its login (an open session stays on the server it reached). The application factory answers its
 * configuration and, for the host's label, {@link #memory}; the test verifies on {@link #application} what the monitor
 * told it.
 */
final class ScriptedMonitor {

    /** The probe interval, and the clock's step per probe. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    final HostSpec host;

    /** The application's factory: its configuration, its host memory of the label ({@link #memory}); verify on it. */
    final PgConnectionFactory application = mock(PgConnectionFactory.class);

    /** What the monitor told the application factory's host memory ({@code application.hostObservations(lookup)}); verify on it. */
    final HostObservations observations = mock(HostObservations.class);

    /** Every session a login got, in order. */
    final List<PgConnection> sessions = new CopyOnWriteArrayList<>();

    /** Every login tried, refused ones too. */
    final AtomicInteger logins = new AtomicInteger();

    /** What a new login reaches now; an open session keeps the role of the server it reached. */
    volatile ServerRole labelServer = ServerRole.PRIMARY;

    /** When set, every new login fails with it (a refused password, a full server). */
    volatile Throwable refuseWith;

    /** What the application factory's host memory holds for the label (its own connects, between probes). */
    volatile HostStatus memory;

    private final ConnConfig config;

    private final MutableClock clock;

    /** {@code host} under the default {@code target_session_attrs} ({@code any}), the clock at {@code start}. */
    ScriptedMonitor(HostSpec host, Instant start) {
        this(host, null, start);
    }

    /** {@code target}: the application factory's {@code target_session_attrs}; {@code null} for the default. */
    ScriptedMonitor(HostSpec host, TargetSessionAttrs target, Instant start) {
        this.host = host;
        this.clock = new MutableClock(start);
        ConnConfig.Builder config = ConnConfig.builder().hosts(host).user("app").password("Secret-pw");
        this.config = (target == null ? config : config.targetSessionAttrs(target)).build();
    }

    /** A monitor with {@code reloginInterval}, while another host always qualifies. */
    HostMonitor monitor(Duration reloginInterval) {
        return monitor(reloginInterval, () -> false);
    }

    /** A monitor with {@code reloginInterval}; {@code noAcceptableHost}: the monitors' {@link HostViews} stand-in. */
    HostMonitor monitor(Duration reloginInterval, BooleanSupplier noAcceptableHost) {
        when(this.application.config()).thenReturn(this.config);
        when(this.application.hostObservations(org.mockito.ArgumentMatchers.any())).thenReturn(this.observations);
        when(this.application.hostStatus(this.host.label())).thenAnswer(invocation -> this.memory);
        PgConnectionFactory monitorFactory = mock(PgConnectionFactory.class);
        when(monitorFactory.connect(any(ConnConfig.class))).thenAnswer(invocation -> login());
        return new HostMonitor(this.host, monitorFactory, this.application, INTERVAL, PROBE_TIMEOUT, this.clock,
                view -> { }, true, reloginInterval, PgConnAutoConfiguration.FACTORY_BEAN_NAME, noAcceptableHost);
    }

    private CompletableFuture<PgConnection> login() {
        this.logins.incrementAndGet();
        Throwable refused = this.refuseWith;
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        ServerRole role = this.labelServer;
        PgConnection session = mock(PgConnection.class);
        when(session.currentRole()).thenReturn(CompletableFuture.completedFuture(role));
        when(session.serverVersion()).thenReturn("18.0");
        when(session.simpleQuery(ServerIdentity.QUERY)).thenReturn(CompletableFuture.failedFuture(new UnsupportedOperationException(
                "a stand-in session tells no server identity")));
        when(session.simpleQuery(ReplicaLagProbe.SQL)).thenReturn(CompletableFuture.failedFuture(new UnsupportedOperationException(
                "a stand-in session tells no replica lag")));
        when(session.close()).thenReturn(CompletableFuture.completedFuture(null));
        this.sessions.add(session);
        return CompletableFuture.completedFuture(session);
    }

    /** The clock now. */
    Instant now() {
        return this.clock.instant();
    }

    /** {@code probes} probes of {@code monitor}, the clock one {@link #INTERVAL} later after each. */
    void probeFor(HostMonitor monitor, int probes) {
        for (int i = 0; i < probes; i++) {
            monitor.probe().join();
            this.clock.advance(INTERVAL);
        }
    }
}
