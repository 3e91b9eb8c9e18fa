package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A probe session that answers in a role the target does not accept while no host qualifies is replaced before its
 * relogin interval (NEW-USER-24 F1: a name moved to the new primary, the probe session still on the old address, now
 * a standby): at once when the application's own connects found the label in an accepted role, else backed off from
 * one probe interval up to the relogin interval (REVIEW-24 R24-9: not one login per probe through a long outage) —
 * and never while a host qualifies. Driven probe by probe on a settable clock, one probe interval apart; each new
 * session answers the role the label's server has at that moment.
 */
class HostMonitorMovedHostTest {

    private static final HostSpec HOST = HostSpec.of("pg-rw.svc.test", 5432);

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    /** What a new login to the label reaches now; an open session keeps the role of the server it reached. */
    private volatile ServerRole labelServer = ServerRole.STANDBY;

    /** What the application factory's host memory holds for the label (its own connects, between probes). */
    private volatile HostStatus memory;

    private final List<PgConnection> sessions = new ArrayList<>();

    private Instant now = Instant.parse("2026-12-06T20:00:00Z");

    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return HostMonitorMovedHostTest.this.now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };

    private HostMonitor monitor(Duration reloginInterval, boolean noAcceptableHost) {
        PgConnectionFactory application = mock(PgConnectionFactory.class);
        when(application.config()).thenReturn(ConnConfig.builder().hosts(HOST).user("app").password("Secret-pw")
                .targetSessionAttrs(TargetSessionAttrs.READ_WRITE).build());
        when(application.hostStatus(HOST.label())).thenAnswer(invocation -> this.memory);
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
        return new HostMonitor(HOST, monitorFactory, application, INTERVAL, Duration.ofSeconds(1), this.clock,
                view -> { }, true, reloginInterval, "pgConnectionFactory", () -> noAcceptableHost);
    }

    @Test
    void whileNoHostQualifiesTheStandbyIsLoggedInToAgainBackedOffNotAtEveryProbe() {
        HostMonitor monitor = monitor(Duration.ofSeconds(10), true);
        probeFor(monitor, 61); // t = 0 .. 60 s, a standby answering all along
        assertThat(monitor.view().role()).isEqualTo(ServerRole.STANDBY);
        // the first login at 0, early ones at 1, 2, 4, 8, 16 s, then every relogin interval: 26, 36, 46, 56
        assertThat(this.sessions).as("logins in a minute").hasSize(10);
    }

    @Test
    void aMoveInTheFirstSecondsIsSeenAtTheNextProbe() {
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probeFor(monitor, 2); // t = 0 (standby), 1 (the first early login)
        this.labelServer = ServerRole.PRIMARY; // the operator moved the name to the new primary
        probeFor(monitor, 1); // t = 2: the early login one interval after the first
        assertThat(monitor.view().isUp()).isTrue();
        assertThat(monitor.view().role()).isEqualTo(ServerRole.PRIMARY);
    }

    @Test
    void aLabelTheApplicationsConnectsFoundAPrimaryIsLoggedInToAtTheNextProbeWhateverTheBackOff() {
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probeFor(monitor, 20); // backed off to 16 s by now
        int logins = this.sessions.size();
        probeFor(monitor, 1);
        assertThat(this.sessions).as("no login while backed off").hasSize(logins);

        this.labelServer = ServerRole.PRIMARY;
        this.memory = new HostStatus(HOST.label(), HostStatus.State.UP, ServerRole.PRIMARY, this.now, null); // a connect landed there
        probeFor(monitor, 1);
        assertThat(monitor.view().role()).as("seen at the next probe").isEqualTo(ServerRole.PRIMARY);
        assertThat(this.sessions).hasSize(logins + 1);
    }

    @Test
    void withZeroReloginIntervalToo() {
        HostMonitor monitor = monitor(Duration.ZERO, true);
        probeFor(monitor, 2);
        this.labelServer = ServerRole.PRIMARY;
        probeFor(monitor, 1);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.PRIMARY);
    }

    @Test
    void whileAnotherHostQualifiesTheProbeSessionIsKeptUntilItsReloginInterval() {
        this.memory = new HostStatus(HOST.label(), HostStatus.State.UP, ServerRole.PRIMARY, this.now, null);
        HostMonitor monitor = monitor(Duration.ofSeconds(60), false);
        probeFor(monitor, 5);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.STANDBY);
        assertThat(this.sessions).as("no login beyond the first").hasSize(1);
    }

    @Test
    void aSessionInAnAcceptedRoleIsKept() {
        this.labelServer = ServerRole.PRIMARY;
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probeFor(monitor, 5);
        assertThat(this.sessions).hasSize(1);
    }

    private void probeFor(HostMonitor monitor, int probes) {
        for (int i = 0; i < probes; i++) {
            monitor.probe().join();
            this.now = this.now.plus(INTERVAL);
        }
    }
}
