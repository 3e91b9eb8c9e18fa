package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A probe session that answers in a role the target does not accept while no host qualifies is replaced at every
 * probe (NEW-USER-24 F1: a name moved to the new primary, the probe session still on the old address, now a
 * standby): the label is seen a primary at the first probe after it serves one, at the cost of one login per probe
 * meanwhile — and none while a host qualifies. The login's factory is a stand-in: each new session answers the role
 * the label's server has at that moment.
 */
class HostMonitorMovedHostTest {

    private static final HostSpec HOST = HostSpec.of("pg-rw.svc.test", 5432);

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    /** What a new login to the label reaches now; an open session keeps the role of the server it reached. */
    private volatile ServerRole labelServer = ServerRole.STANDBY;

    private final List<PgConnection> sessions = new ArrayList<>();

    private HostMonitor monitor(Duration reloginInterval, boolean noAcceptableHost) {
        PgConnectionFactory application = mock(PgConnectionFactory.class);
        when(application.config()).thenReturn(ConnConfig.builder().hosts(HOST).user("app").password("Secret-pw")
                .targetSessionAttrs(TargetSessionAttrs.READ_WRITE).build());
        PgConnectionFactory monitorFactory = mock(PgConnectionFactory.class);
        when(monitorFactory.connect(any(ConnConfig.class))).thenAnswer(invocation -> {
            ServerRole role = this.labelServer;
            PgConnection session = mock(PgConnection.class);
            when(session.currentRole()).thenReturn(CompletableFuture.completedFuture(role));
            when(session.serverVersion()).thenReturn("18.0");
            when(session.close()).thenReturn(CompletableFuture.completedFuture(null));
            this.sessions.add(session);
            return CompletableFuture.completedFuture(session);
        });
        return new HostMonitor(HOST, monitorFactory, application, INTERVAL, Duration.ofSeconds(1),
                Clock.fixed(Instant.parse("2026-12-06T20:00:00Z"), ZoneOffset.UTC), view -> { }, true, reloginInterval,
                "pgConnectionFactory", () -> noAcceptableHost);
    }

    @Test
    void whileNoHostQualifiesAStandbyAnswerIsFollowedByANewLoginAtEveryProbe() {
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probe(monitor, 3);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.STANDBY);
        assertThat(this.sessions).as("one login per probe, no more").hasSize(3);

        this.labelServer = ServerRole.PRIMARY; // the operator moved the name to the new primary
        probe(monitor, 1);
        assertThat(monitor.view().isUp()).isTrue();
        assertThat(monitor.view().role()).as("seen at the first probe after the move").isEqualTo(ServerRole.PRIMARY);
        assertThat(this.sessions).hasSize(4);
    }

    @Test
    void withZeroReloginIntervalToo() {
        HostMonitor monitor = monitor(Duration.ZERO, true);
        probe(monitor, 2);
        this.labelServer = ServerRole.PRIMARY;
        probe(monitor, 1);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.PRIMARY);
    }

    @Test
    void whileAnotherHostQualifiesTheProbeSessionIsKeptUntilItsReloginInterval() {
        HostMonitor monitor = monitor(Duration.ofSeconds(60), false);
        probe(monitor, 5);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.STANDBY);
        assertThat(this.sessions).as("no login beyond the first").hasSize(1);
    }

    @Test
    void aSessionInAnAcceptedRoleIsKept() {
        this.labelServer = ServerRole.PRIMARY;
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probe(monitor, 5);
        assertThat(this.sessions).hasSize(1);
    }

    private static void probe(HostMonitor monitor, int probes) {
        for (int i = 0; i < probes; i++) {
            monitor.probe().join();
        }
    }
}
