package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * What a {@link HostMonitor} does about a host that takes no new logins while it is up: a login refused for want of a
 * free slot (53300: max_connections, a role's or database's connection limit), or left unanswered while the open probe
 * session answers (a pooler's login queue). The host is shown {@code full}, not down: the server is up and the
 * application's sessions to it work, so the open probe session is kept (closing it freed a slot the next probe's login
 * took, and the host flipped down/up every relogin interval: NEW-USER-13 F2), the next login is tried a relogin interval
 * later — also when no session is open (none yet, or it failed too): not at every probe, each refused login being a fork
 * on the full server (REVIEW-18 L8) — and the application's factory's host memory is told {@code full}, on which no pool
 * evicts (F1).
 */
final class FullHost {

    private final HostSpec host;

    private final ProbeSession session;

    private final RefusedLoginBackoff backoff;

    private final UnansweredProbes unanswered;

    private final HostReports reports;

    private final Duration probeTimeout;

    /** How long a full host without an open probe session waits for the next login. */
    private final Duration loginWait;

    FullHost(HostSpec host, ProbeSession session, RefusedLoginBackoff backoff, UnansweredProbes unanswered,
            HostReports reports, Duration probeTimeout, Duration reloginInterval) {
        this.host = host;
        this.session = session;
        this.backoff = backoff;
        this.unanswered = unanswered;
        this.reports = reports;
        this.probeTimeout = probeTimeout;
        this.loginWait = loginWait(reloginInterval);
    }

    /**
     * How long a full host without an open probe session waits for the next login: the relogin interval, or its default
     * when that is 0.
     */
    static Duration loginWait(Duration reloginInterval) {
        return reloginInterval.isZero() ? HostMonitor.DEFAULT_RELOGIN_INTERVAL : reloginInterval;
    }

    /** Whether the server refused the login for want of a free slot (53300): up, its sessions fine. */
    static boolean noFreeSlot(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && pg.sqlState().filter(PgErrors::isNoFreeSlot).isPresent()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The server refused a new login for want of a free slot (53300): {@code full}, told to the application's
     * factory's host memory ({@code full}: its pools keep their sessions), logged once per change. {@code answered}: the
     * role the open probe session just answered, which is kept and asked again until the next login a relogin
     * interval later; {@code null} when there is no such session (none open, or it failed too: then it is dropped),
     * and the next login waits a relogin interval all the same ({@link #loginWait}), the host shown full meanwhile.
     */
    void refused(Throwable cause, @Nullable ServerRole answered) {
        if (answered != null) {
            this.session.putOffLogin(); // one refused login per relogin interval, not per probe
            this.backoff.reset();
        } else {
            this.session.drop();
            // no session to ask meanwhile: the next login a relogin interval later too, not at the next probe (a
            // refused login is a fork on a server that is full: one per probe interval, REVIEW-18 L8)
            this.backoff.waitFor(this.loginWait);
        }
        this.unanswered.reset();
        this.reports.full(HostFailureReason.of(cause, this.host, this.probeTimeout), cause, answered,
                answered != null ? null : this.backoff.nextLoginAt());
    }

    /** The open probe session of a full host answered: still full, in the role it answered (not told to the factory as up). */
    void stillFull(ServerRole role) {
        this.unanswered.reset();
        this.reports.stillFull(role);
    }

    /**
     * The new login got no answer within the probe timeout while the open session answered ({@code role}): the host
     * takes no new connections but serves the ones it has — a connection pooler whose clients queue for a server
     * connection (PgBouncer in session mode with more clients than {@code default_pool_size}: NEW-USER-21 F2), a
     * stopped postmaster, a hanging authentication. Shown {@code full} with its own reason, as for a refused login
     * (53300), and told to the application's factory as full, on which no pool evicts: shown {@code down}, every pool
     * evicted its idle sessions that worked, whose replacements queued behind the rest, and health was {@code DOWN}.
     * The open session is kept and asked at every probe; the next login a relogin interval later, not at every probe
     * (each one another client in the pooler's queue). Nothing of the application's is closed: no unanswered probe.
     */
    void loginUnanswered(Throwable cause, ServerRole role) {
        this.session.putOffLogin(); // one login per relogin interval, not per probe
        this.backoff.reset();
        this.unanswered.reset();
        this.reports.full(HostFailureReason.unansweredLogin(this.host, this.probeTimeout), cause, role, null);
    }
}
