package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * NEW-USER-13 F2: a server that refuses the monitor's re-login with 53300 (too many connections) is full, not down:
 * the monitor keeps its open probe session, shows the host {@code full} on every probe until a login succeeds (no
 * down/up flip each relogin interval), logs in again only once per relogin interval, tells the application's
 * factory's host memory {@code full} (never {@code down}, on which a pool evicts), and logs the change once
 * each way. Driven probe by probe on the {@link ScriptedMonitor}'s clock; the factories are stand-ins.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostMonitorFullTest {

    private static final HostSpec HOST = HostSpec.of("db.test", 5432);

    private final ScriptedMonitor scripted = new ScriptedMonitor(HOST, Instant.parse("2026-12-05T22:00:00Z"));

    private final List<PgConnection> sessions = this.scripted.sessions;

    private final AtomicInteger logins = this.scripted.logins;

    private final HostObservations observations = this.scripted.observations;

    /** A login refused for want of a free slot (53300): the role's connection limit reached. */
    private final PgConnectException tooMany = new PgConnectException(HOST.label(),
            "server db.test:5432 reported FATAL: too many connections for role \"app\" (SQLSTATE 53300)",
            new ServerErrorFields(Map.of('S', "FATAL", 'C', "53300", 'M', "too many connections for role \"app\"")), null);

    private HostMonitor monitor() {
        return monitor(Duration.ofSeconds(10));
    }

    private HostMonitor monitor(Duration reloginInterval) {
        return this.scripted.monitor(reloginInterval);
    }

    /** {@code full}: whether the server refuses new logins with 53300 from now on. */
    private void full(boolean full) {
        this.scripted.refuseWith = full ? this.tooMany : null;
    }

    @Test
    void aReloginRefusedFor53300ShowsTheHostFullKeepsTheProbeSessionAndNeverDown(CapturedOutput output) {
        HostMonitor monitor = monitor();
        probeFor(monitor, 5);
        assertThat(monitor.view().isUp()).isTrue();
        full(true); // max_connections (or the role's limit) reached: the open session still answers
        int probes = 0;
        while (monitor.view().state() != HostStatus.State.FULL && probes < 20) {
            probeFor(monitor, 1);
            probes++;
        }
        assertThat(monitor.view().state()).as("full within the relogin interval").isEqualTo(HostStatus.State.FULL);
        assertThat(probes).isLessThanOrEqualTo(10);
        int loginsWhenFull = this.logins.get();

        for (int i = 0; i < 25; i++) { // 25 s: never down, never up, one login per relogin interval
            probeFor(monitor, 1);
            assertThat(monitor.view().state()).isEqualTo(HostStatus.State.FULL);
            assertThat(monitor.view().role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(monitor.view().error()).isEqualTo("too many connections, SQLSTATE 53300 (db.test:5432)");
        }
        assertThat(this.logins.get() - loginsWhenFull).as("refused logins in 25 s").isBetween(2, 3);
        assertThat(this.sessions).hasSize(1);
        verify(this.sessions.get(0), never()).close(); // the probe session that answers is kept
        verify(this.observations, atLeastOnce()).full(HOST, "too many connections, SQLSTATE 53300 (db.test:5432)");
        verify(this.observations, never()).down(any(HostSpec.class), anyString());

        full(false); // a slot frees
        probes = 0;
        while (!monitor.view().isUp() && probes < 20) {
            probeFor(monitor, 1);
            probes++;
        }
        assertThat(monitor.view().isUp()).isTrue();
        assertThat(probes).isLessThanOrEqualTo(11);
        verify(this.sessions.get(0)).close(); // replaced by the new login
        assertThat(output.getOut()).containsOnlyOnce("host db.test:5432 takes no new connections: too many connections, SQLSTATE 53300 (db.test:5432)")
                .containsOnlyOnce("the sessions open to it keep working")
                .containsOnlyOnce("host db.test:5432 takes new connections again (primary)")
                .doesNotContain("is down").doesNotContain("Secret-pw");
    }

    @Test
    void aFirstLoginRefusedFor53300ShowsTheHostFullNotDown() {
        full(true);
        HostMonitor monitor = monitor();
        probeFor(monitor, 3);
        assertThat(monitor.view().state()).isEqualTo(HostStatus.State.FULL);
        verify(this.observations, never()).down(any(HostSpec.class), anyString());
        full(false);
        probeFor(monitor, 7); // 3 s to 9 s
        assertThat(monitor.view().state()).as("the next login a relogin interval after the refused one").isEqualTo(HostStatus.State.FULL);
        probeFor(monitor, 1);
        assertThat(monitor.view().isUp()).isTrue();
        assertThat(this.logins.get()).isEqualTo(2);
    }

    /**
     * REVIEW-18 L8: with no probe session open (none yet, or dropped), a full server was logged in to at every probe
     * (one refused login, a fork, per second per monitor); now once per relogin interval, as with a session kept, the
     * host shown full meanwhile; with a relogin interval of 0 (never replace a session), once per 10 s.
     */
    @Test
    void aFullServerWithoutAProbeSessionGetsOneLoginPerReloginInterval() {
        full(true);
        HostMonitor monitor = monitor();
        for (int i = 0; i < 25; i++) { // 25 s
            probeFor(monitor, 1);
            assertThat(monitor.view().state()).isEqualTo(HostStatus.State.FULL);
            assertThat(monitor.view().error()).isEqualTo("too many connections, SQLSTATE 53300 (db.test:5432)");
        }
        assertThat(this.logins.get()).as("refused logins in 25 s (at 0, 10 and 20 s)").isEqualTo(3);
        verify(this.observations, never()).down(any(HostSpec.class), anyString());

        this.logins.set(0);
        HostMonitor neverRelogin = monitor(Duration.ZERO);
        probeFor(neverRelogin, 25);
        assertThat(neverRelogin.view().state()).isEqualTo(HostStatus.State.FULL);
        assertThat(this.logins.get()).as("relogin interval 0: one refused login per 10 s").isEqualTo(3);
    }

    /**
     * A full server without a probe session is logged in to once per relogin interval, so no probe checks it in
     * between: health kept showing the last login's {@code lastCheckedAt} for up to that interval, as a monitor that had
     * stopped would. Now it also says when the next check comes ({@code nextCheckAt}); with an open session to ask (or
     * once the host takes logins again) every probe checks it and there is none.
     */
    @Test
    void aFullServerWithoutAProbeSessionSaysWhenItIsCheckedNext() {
        full(true);
        HostMonitor monitor = monitor();
        Instant refused = this.scripted.now();
        probeFor(monitor, 4);

        assertThat(monitor.view().checkedAt()).as("the refused login, 3 probes ago").isEqualTo(refused);
        assertThat(monitor.view().nextCheckAt()).isEqualTo(refused.plusSeconds(10));
        assertThat(PgConnHealthIndicator.hosts(List.of(monitor.view())))
                .extractingByKey(HOST.label()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("status", "full").containsEntry("lastCheckedAt", refused.toString())
                .containsEntry("nextCheckAt", refused.plusSeconds(10).toString());

        full(false);
        probeFor(monitor, 7); // the login at 10 s succeeds
        assertThat(monitor.view().isUp()).isTrue();
        assertThat(monitor.view().nextCheckAt()).isNull();
        assertThat(PgConnHealthIndicator.hosts(List.of(monitor.view()))).extractingByKey(HOST.label())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).doesNotContainKey("nextCheckAt");
    }

    private void probeFor(HostMonitor monitor, int probes) {
        this.scripted.probeFor(monitor, probes);
    }
}
