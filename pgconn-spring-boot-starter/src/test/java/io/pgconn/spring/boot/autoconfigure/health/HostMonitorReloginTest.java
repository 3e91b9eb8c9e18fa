package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The monitor's probe session is replaced by a new login once it is relogin-interval old, so a
 * server that refuses new logins while old sessions still answer (user4's F3: password rotated) shows
 * the host down; between two logins a probe is one round trip on the open session. Driven probe by
 * probe on the {@link ScriptedMonitor}'s clock; its factory is a stand-in that counts logins.
 */
class HostMonitorReloginTest {

    private static final HostSpec HOST = HostSpec.of("db.test", 5432);

    /** A login refused after the password was rotated. */
    private final PgAuthenticationException refused = new PgAuthenticationException(HOST.label(),
            "password authentication failed for user \"app\"",
            new ServerErrorFields(Map.of('S', "FATAL", 'C', "28P01", 'M', "refused")), null);

    private final ScriptedMonitor scripted = new ScriptedMonitor(HOST, Instant.parse("2026-12-04T04:00:00Z"));

    private final List<PgConnection> sessions = this.scripted.sessions;

    private HostMonitor monitor(Duration reloginInterval) {
        return this.scripted.monitor(reloginInterval);
    }

    @Test
    void aLoginRefusedAfterThePasswordChangedShowsTheHostDownWithinTheReloginInterval() {
        HostMonitor monitor = monitor(Duration.ofSeconds(10));
        probeFor(monitor, 5);
        assertThat(monitor.view().isUp()).isTrue();
        this.scripted.refuseWith = this.refused; // the password was rotated: the open session still answers, new logins fail
        int probesUntilDown = 0;
        while (monitor.view().isUp() && probesUntilDown < 20) {
            probeFor(monitor, 1);
            probesUntilDown++;
        }
        assertThat(monitor.view().isUp()).as("down within the relogin interval").isFalse();
        assertThat(probesUntilDown).isLessThanOrEqualTo(10);
        assertThat(monitor.view().error()).isEqualTo("authentication failed (db.test:5432)");
        verify(this.sessions.get(0)).close(); // the old session does not keep answering for the host
    }

    @Test
    void betweenLoginsAProbeUsesTheOpenSessionAndEachNewLoginClosesTheOldSession() {
        HostMonitor monitor = monitor(Duration.ofSeconds(10));
        probeFor(monitor, 25); // t = 0 .. 24 s: logins at 0, 10, 20
        assertThat(this.sessions).hasSize(3);
        verify(this.sessions.get(0)).close();
        verify(this.sessions.get(1)).close();
        verify(this.sessions.get(2), never()).close();
        assertThat(monitor.view().isUp()).isTrue();
    }

    @Test
    void zeroKeepsTheSessionForAsLongAsItLives() {
        HostMonitor monitor = monitor(Duration.ZERO);
        probeFor(monitor, 60);
        assertThat(this.sessions).hasSize(1);
    }

    private void probeFor(HostMonitor monitor, int probes) {
        this.scripted.probeFor(monitor, probes);
    }
}
