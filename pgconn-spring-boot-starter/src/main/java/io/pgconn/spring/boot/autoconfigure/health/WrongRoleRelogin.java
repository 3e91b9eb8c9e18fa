package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * When a {@link HostMonitor} replaces its open probe session by a new login before the relogin interval because the
 * session answers in a role the factory's {@code target_session_attrs} refuses while no configured host answers in one
 * it accepts. The host may be a name (a Kubernetes Service, a DNS name) or a virtual IP the operator has moved to the
 * new primary while the probe session stays on the old address — now a standby — and answers for the label
 * (NEW-USER-24 F1: health {@code DOWN} ~11 s, 7.6 s of them while the application's new connects already wrote to the
 * new primary). A new login goes where a {@code connect()} goes now (core resolves the name again; the JVM's DNS cache
 * applies, as to the application's connects). Decision over comparing the probe session's address with the name's
 * current look-up: a virtual IP or a TCP load balancer (a Service's cluster IP, HAProxy, a cloud load balancer) keeps
 * its address while the server behind it changes, and only a login tells. Also with {@code relogin-interval} 0
 * (otherwise the label stayed a standby for as long as the probe session lived).
 *
 * <p>Backed off ({@link #due}), beside {@link RefusedLoginBackoff} (refused logins) — one probe at a time asks it.
 */
final class WrongRoleRelogin {

    private final HostSpec host;

    /** The application factory's {@code target_session_attrs}: a role it does not accept may be a moved label's. */
    private final TargetSessionAttrs target;

    /** Whether no configured host answers in a role {@link #target} accepts now (the monitors' {@link HostViews}). */
    private final BooleanSupplier noAcceptableHost;

    private final PgConnectionFactory applicationFactory;

    /** The probe interval: the first spacing of early logins. */
    private final Duration interval;

    /** The longest spacing: the relogin interval (its default when that is 0). */
    private final Duration maxSpacing;

    private final Clock clock;

    /** When the next early login is due while the probe session answers in a refused role; {@code null}: at the next probe. */
    private @Nullable Instant nextEarlyLoginAt;

    /** The spacing after the next early login: the probe interval, doubled after each up to {@link #maxSpacing}. */
    private Duration earlySpacing;

    WrongRoleRelogin(HostSpec host, PgConnectionFactory applicationFactory, BooleanSupplier noAcceptableHost,
            Duration interval, Duration maxSpacing, Clock clock) {
        this.host = host;
        this.target = applicationFactory.config().targetSessionAttrs();
        this.noAcceptableHost = noAcceptableHost;
        this.applicationFactory = applicationFactory;
        this.interval = interval;
        this.maxSpacing = maxSpacing;
        this.clock = clock;
        this.earlySpacing = interval;
    }

    /**
     * Whether this probe replaces the open session by a new login before its relogin interval: it last answered
     * ({@code view}), up, in a role the target does not accept while no configured host answers in one it accepts — the
     * host may be a name or address moved to another server, which only a new login reaches (class javadoc). At once
     * when the application factory's host memory holds the host up in an accepted role: only a later connect of the
     * application (or a session that heard the role) can have put it there, the monitor's last answer having said
     * otherwise — the label serves another server to new connections now (F1's "writes already succeeded"). Else
     * backed off: the first such probe, then after one probe interval, doubled after each login that found the same,
     * up to the relogin interval (10 s when that is 0). Cost over a long outage of a primary whose standbys answer
     * (REVIEW-24 R24-9): logins to each standby 1, 2, 4, 8 and 16 s after its first such answer, then every 10 s — 9 in
     * a minute where the relogin interval alone makes 6, not one per probe (60); a move without traffic is seen within
     * the spacing reached by then, within one probe when it comes in the first seconds.
     */
    boolean due(HostView view) {
        if (!view.isUp() || this.target.accepts(view.role(), true) || !this.noAcceptableHost.getAsBoolean()) {
            this.nextEarlyLoginAt = null;
            this.earlySpacing = this.interval;
            return false;
        }
        Instant now = this.clock.instant();
        if (!servedInAnAcceptedRole() && this.nextEarlyLoginAt != null && now.isBefore(this.nextEarlyLoginAt)) {
            return false;
        }
        this.nextEarlyLoginAt = now.plus(this.earlySpacing);
        Duration doubled = this.earlySpacing.multipliedBy(2);
        this.earlySpacing = doubled.compareTo(this.maxSpacing) > 0 ? this.maxSpacing : doubled;
        return true;
    }

    /** Whether the application factory's host memory holds this host up in a role the target accepts. */
    private boolean servedInAnAcceptedRole() {
        HostStatus memory = this.applicationFactory.hostStatus(this.host.label());
        return memory != null && memory.state() == HostStatus.State.UP && this.target.accepts(memory.role(), true);
    }
}
