package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A probe session that answers in a role the target does not accept while no host qualifies is replaced before its
 * relogin interval (NEW-USER-24 F1: a name moved to the new primary, the probe session still on the old address, now
 * a standby): at once when the application's own connects found the label in an accepted role, else backed off from
 * one probe interval up to the relogin interval (REVIEW-24 R24-9: not one login per probe through a long outage) —
 * and never while a host qualifies ({@link WrongRoleRelogin}). Driven probe by probe on the {@link ScriptedMonitor}'s
 * clock, one probe interval apart; each new session answers the role the label's server has at that moment.
 */
class HostMonitorMovedHostTest {

    private final ScriptedMonitor scripted = new ScriptedMonitor(HostSpec.of("pg-rw.svc.test", 5432),
            TargetSessionAttrs.READ_WRITE, Instant.parse("2026-12-06T20:00:00Z"));

    {
        this.scripted.labelServer = ServerRole.STANDBY;
    }

    private HostMonitor monitor(Duration reloginInterval, boolean noAcceptableHost) {
        return this.scripted.monitor(reloginInterval, () -> noAcceptableHost);
    }

    @Test
    void whileNoHostQualifiesTheStandbyIsLoggedInToAgainBackedOffNotAtEveryProbe() {
        HostMonitor monitor = monitor(Duration.ofSeconds(10), true);
        probeFor(monitor, 61); // t = 0 .. 60 s, a standby answering all along
        assertThat(monitor.view().role()).isEqualTo(ServerRole.STANDBY);
        // the first login at 0, early ones at 1, 2, 4, 8, 16 s, then every relogin interval: 26, 36, 46, 56
        assertThat(this.scripted.sessions).as("logins in a minute").hasSize(10);
    }

    @Test
    void aMoveInTheFirstSecondsIsSeenAtTheNextProbe() {
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probeFor(monitor, 2); // t = 0 (standby), 1 (the first early login)
        this.scripted.labelServer = ServerRole.PRIMARY; // the operator moved the name to the new primary
        probeFor(monitor, 1); // t = 2: the early login one interval after the first
        assertThat(monitor.view().isUp()).isTrue();
        assertThat(monitor.view().role()).isEqualTo(ServerRole.PRIMARY);
    }

    @Test
    void aLabelTheApplicationsConnectsFoundAPrimaryIsLoggedInToAtTheNextProbeWhateverTheBackOff() {
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probeFor(monitor, 20); // backed off to 16 s by now
        int logins = this.scripted.sessions.size();
        probeFor(monitor, 1);
        assertThat(this.scripted.sessions).as("no login while backed off").hasSize(logins);

        this.scripted.labelServer = ServerRole.PRIMARY;
        this.scripted.memory = new HostStatus(this.scripted.host.label(), HostStatus.State.UP, ServerRole.PRIMARY,
                this.scripted.now(), null); // a connect landed there
        probeFor(monitor, 1);
        assertThat(monitor.view().role()).as("seen at the next probe").isEqualTo(ServerRole.PRIMARY);
        assertThat(this.scripted.sessions).hasSize(logins + 1);
    }

    @Test
    void withZeroReloginIntervalToo() {
        HostMonitor monitor = monitor(Duration.ZERO, true);
        probeFor(monitor, 2);
        this.scripted.labelServer = ServerRole.PRIMARY;
        probeFor(monitor, 1);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.PRIMARY);
    }

    @Test
    void whileAnotherHostQualifiesTheProbeSessionIsKeptUntilItsReloginInterval() {
        this.scripted.memory = new HostStatus(this.scripted.host.label(), HostStatus.State.UP, ServerRole.PRIMARY,
                this.scripted.now(), null);
        HostMonitor monitor = monitor(Duration.ofSeconds(60), false);
        probeFor(monitor, 5);
        assertThat(monitor.view().role()).isEqualTo(ServerRole.STANDBY);
        assertThat(this.scripted.sessions).as("no login beyond the first").hasSize(1);
    }

    @Test
    void aSessionInAnAcceptedRoleIsKept() {
        this.scripted.labelServer = ServerRole.PRIMARY;
        HostMonitor monitor = monitor(Duration.ofSeconds(60), true);
        probeFor(monitor, 5);
        assertThat(this.scripted.sessions).hasSize(1);
    }

    private void probeFor(HostMonitor monitor, int probes) {
        this.scripted.probeFor(monitor, probes);
    }
}
