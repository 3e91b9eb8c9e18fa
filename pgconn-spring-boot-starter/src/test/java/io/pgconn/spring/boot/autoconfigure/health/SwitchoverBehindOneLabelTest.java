package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spi.HostObservations;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * NEW-USER-24 F4: behind one host label — a DNS name, a Kubernetes Service, a virtual IP — a switchover left
 * {@code failovers} at 0 and {@code activeHost} the same label, so health showed nothing although the writes had moved
 * to another server. Now the label's answers tell (a primary at another address of its name, a standby answering as
 * primary: {@link ServerBehindLabel}) and the active label reaching another server is a failover: counted, its time
 * shown, the host's {@code serverChangedAt} shown (no address: the endpoint is public), the addresses in the log line.
 * A primary back at the same address, and the first settling of the active host, are none. Through the monitor's
 * {@link HostReports} into the monitors' {@link HostViews} and the factory's {@link FailoverTracker}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SwitchoverBehindOneLabelTest {

    private static final Instant AT = Instant.parse("2026-12-06T22:00:00Z");

    private final FailoverTracker tracker = new FailoverTracker(Clock.fixed(AT, ZoneOffset.UTC));

    private HostViews views;

    private HostReports reports(HostSpec host) {
        this.views = new HostViews(List.of(host.label()), TargetSessionAttrs.READ_WRITE, this.tracker);
        return new HostReports(host, mock(HostObservations.class), Clock.fixed(AT, ZoneOffset.UTC),
                view -> this.views.update(0, view), "pgConnectionFactory");
    }

    /**
     * REVIEW-25 R25-9: re-logins that land on another address of the same name (several addresses of one primary or of
     * its poolers; {@code load_balance_hosts=random}) counted a failover each. Only a loss in between makes another
     * address another server.
     */
    @Test
    void reloginsOnAnotherAddressOfTheNameAreNoFailover(CapturedOutput output) {
        HostSpec name = HostSpec.of("pg-rw.svc.local", 5432);
        HostReports reports = reports(name);
        for (int relogin = 0; relogin < 20; relogin++) {
            reports.up(ServerRole.PRIMARY, "18.1", AT, at(name, relogin % 2 == 0 ? "10.0.0.2" : "10.0.0.3"));
        }
        assertFailovers(name.label(), 0);
        assertThat(output.getOut()).doesNotContain("reaches another server");
    }

    @Test
    void aNameRepointedToAnotherPrimaryIsAFailoverOfTheSameActiveHost(CapturedOutput output) {
        HostSpec name = HostSpec.of("pg-rw.svc.local", 5432);
        HostReports reports = reports(name);
        reports.up(ServerRole.PRIMARY, "18.1", AT, at(name, "10.0.0.2"));
        assertFailovers(name.label(), 0);

        // the old primary stops (its probe session ends with it), the operator repoints the name to the promoted standby
        reports.down("connection refused (pg-rw.svc.local:5432)", new ConnectException("Connection refused"), null);
        assertThat(this.views.snapshot().active()).isNull();
        reports.up(ServerRole.PRIMARY, "18.1", AT, at(name, "10.0.0.3"));

        assertFailovers(name.label(), 1);
        assertThat(this.views.snapshot().lastFailoverAt()).isEqualTo(AT);
        Map<String, Object> shown = shown(name.label());
        assertThat(shown).containsEntry("serverChangedAt", AT.toString());
        assertThat(shown.toString()).as("a public endpoint names no address").doesNotContain("10.0.0.");
        assertThat(output.getOut()).containsOnlyOnce("pgconn [pgConnectionFactory]: active host pg-rw.svc.local:5432 reaches"
                + " another server now (failover 1): pg-rw.svc.local reaches 10.0.0.3 now (was 10.0.0.2), a primary");

        reports.up(ServerRole.PRIMARY, "18.1", AT, at(name, "10.0.0.3"));
        assertFailovers(name.label(), 1);
    }

    @Test
    void aStandbyBehindAVirtualIpThatAnswersAsPrimaryIsAFailover() {
        HostSpec vip = HostSpec.of("10.0.0.9", 5432);
        HostReports reports = reports(vip);
        reports.up(ServerRole.PRIMARY, "18.1", AT, null);
        // the probe's new login reached the old primary, back as the new one's standby, before the VIP moved
        reports.up(ServerRole.STANDBY, "18.1", AT, null);
        assertThat(this.views.snapshot().active()).isNull();
        reports.up(ServerRole.PRIMARY, "18.1", AT, null);
        assertFailovers(vip.label(), 1);
        assertThat(shown(vip.label())).containsKey("serverChangedAt");
    }

    @Test
    void thePrimaryBackAtTheSameAddressIsNoFailover() {
        HostSpec name = HostSpec.of("pg-rw.svc.local", 5432);
        HostReports reports = reports(name);
        reports.up(ServerRole.PRIMARY, "18.1", AT, at(name, "10.0.0.2"));
        reports.down("connection refused (pg-rw.svc.local:5432)", new ConnectException("Connection refused"), null);
        reports.up(ServerRole.PRIMARY, "18.1", AT, at(name, "10.0.0.2"));
        assertFailovers(name.label(), 0);
        assertThat(shown(name.label())).doesNotContainKey("serverChangedAt");
    }

    @Test
    void aStandbyPromotedBeforeAnyHostWasActiveSettlesTheActiveHostWithoutAFailover() {
        HostSpec vip = HostSpec.of("10.0.0.9", 5432);
        HostReports reports = reports(vip);
        reports.up(ServerRole.STANDBY, "18.1", AT, null);
        reports.up(ServerRole.PRIMARY, "18.1", AT, null);
        assertFailovers(vip.label(), 0);
        assertThat(shown(vip.label())).as("the server behind the label did change").containsKey("serverChangedAt");
    }

    private void assertFailovers(String active, long failovers) {
        HostViews.Snapshot snapshot = this.views.snapshot();
        assertThat(snapshot.active()).isNotNull();
        assertThat(snapshot.active().host()).isEqualTo(active);
        assertThat(snapshot.failovers()).isEqualTo(failovers);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> shown(String host) {
        return (Map<String, Object>) PgConnHealthIndicator.hosts(this.views.snapshot().hosts()).get(host);
    }

    private static JvmDnsCache.LookedUp at(HostSpec host, String address) {
        return new JvmDnsCache.LookedUp(host.host(), address);
    }
}
