package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spi.HostObservations;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * REVIEW-26 R26-1: a label that spreads logins over a cluster's members — an "any instance" Kubernetes Service, a pooler
 * or DNS name over the primary and its standbys — with target {@code any}: the probe's re-login every
 * {@code relogin-interval} lands on a standby, then on the primary, and every standby-then-primary counted a failover
 * (10 in 20 re-logins). With the identity each probe session's server tells at login ({@link ServerIdentity}) only a
 * promotion of the server that answered as standby, or another primary than the last one, is a failover. Through
 * {@link HostReports} into {@link HostViews} and the {@link FailoverTracker}, on a clock that moves at each re-login
 * (a fixed clock hid the repeats: equal changes are told once).
 */
@ExtendWith(OutputCaptureExtension.class)
class BalancedLabelTest {

    private static final HostSpec LABEL = HostSpec.of("pg-any.svc.local", 5432);

    private static final ServerIdentity PRIMARY = new ServerIdentity("10.0.0.2:5432", "2026-12-07 01:00:00.1+00");

    private static final ServerIdentity STANDBY = new ServerIdentity("10.0.0.3:5432", "2026-12-07 01:00:05.7+00");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T02:00:00Z"));

    private final FailoverTracker tracker = new FailoverTracker(this.clock);

    private final HostViews views = new HostViews(List.of(LABEL.label()), TargetSessionAttrs.ANY, this.tracker);

    private final HostReports reports = new HostReports(LABEL, mock(HostObservations.class), this.clock,
            view -> this.views.update(0, view), "pgConnectionFactory");

    @Test
    void reloginsSpreadOverThePrimaryAndAStandbyAreNoFailover(CapturedOutput output) {
        for (int relogin = 0; relogin < 20; relogin++) {
            answers(relogin % 2 == 0 ? STANDBY : PRIMARY, relogin % 2 == 0 ? ServerRole.STANDBY : ServerRole.PRIMARY);
        }
        assertThat(this.views.snapshot().failovers()).isZero();
        assertThat(output.getOut()).doesNotContain("reaches another server");
    }

    @Test
    void theStandbyBehindTheLabelPromotedIsOneFailover(CapturedOutput output) {
        answers(PRIMARY, ServerRole.PRIMARY);
        answers(STANDBY, ServerRole.STANDBY);
        // the primary goes away; the open probe session on the standby sees it promoted
        answers(STANDBY, ServerRole.PRIMARY);
        answers(STANDBY, ServerRole.PRIMARY);
        assertThat(this.views.snapshot().failovers()).isEqualTo(1);
        assertThat(output.getOut()).containsOnlyOnce("reaches another server now (failover 1): it answered as standby and"
                + " answers as primary now: the server behind it, 10.0.0.3:5432 (started 2026-12-07 01:00:05.7+00), was promoted");
    }

    @Test
    void anotherPrimaryThanTheLastOneIsOneFailover(CapturedOutput output) {
        answers(PRIMARY, ServerRole.PRIMARY);
        answers(STANDBY, ServerRole.STANDBY);
        answers(PRIMARY, ServerRole.PRIMARY);
        this.reports.down("connection refused (pg-any.svc.local:5432)", new ConnectException("Connection refused"), null);
        ServerIdentity promoted = new ServerIdentity("10.0.0.4:5432", "2026-12-07 01:00:09.2+00");
        answers(promoted, ServerRole.PRIMARY);
        answers(STANDBY, ServerRole.STANDBY);
        answers(promoted, ServerRole.PRIMARY);
        assertThat(this.views.snapshot().failovers()).isEqualTo(1);
        assertThat(output.getOut()).containsOnlyOnce("another server answers as primary now: 10.0.0.4:5432");
    }

    @Test
    void thePrimaryRestartedAtItsAddressOrReachedAtAnotherOfItsAddressesIsNoFailover() {
        answers(PRIMARY, ServerRole.PRIMARY);
        answers(new ServerIdentity("fd00::2:5432", PRIMARY.startedAt()), ServerRole.PRIMARY);
        this.reports.down("connection refused (pg-any.svc.local:5432)", new ConnectException("Connection refused"), null);
        answers(new ServerIdentity(PRIMARY.address(), "2026-12-07 02:00:30.0+00"), ServerRole.PRIMARY);
        assertThat(this.views.snapshot().failovers()).isZero();
    }

    @Test
    void aPrimaryFirstSeenAfterStandbysOnlyIsNoFailover() {
        answers(STANDBY, ServerRole.STANDBY);
        answers(PRIMARY, ServerRole.PRIMARY);
        assertThat(this.views.snapshot().failovers()).isZero();
    }

    /** A new probe login reached {@code server}, which answered {@code role}; the clock one relogin interval on. */
    private void answers(ServerIdentity server, ServerRole role) {
        this.reports.probing(server);
        this.reports.up(role, "18.1", this.clock.instant(), null);
        this.clock.advance(Duration.ofSeconds(10));
    }
}
