package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.config.HostSpec;
import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.SessionRole;
import io.pgconn.config.TargetSessionAttrs;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Decides {@code validate(LOCAL)} without a round trip: a session is usable while it is open and
 * its server still satisfies the factory's {@code target_session_attrs}, as far as the client knows
 * it. Two sources tell: the session's own {@code in_hot_standby} / {@code default_transaction_read_only}
 * ParameterStatus values (PostgreSQL 14+ reports changes to them on the session), and the factory's
 * host memory, which any later connect or health check updates. A host remembered as down, or in a
 * role the target does not accept, makes every session to it unusable: after a failover, a pool
 * stops handing out sessions to the old primary as soon as anything has seen it demoted or gone —
 * except a role the session's own ParameterStatus rules out for its server ({@code in_hot_standby=off}
 * while the label is remembered a standby: the label names another server now; {@link SessionRole#couldHaveBecome},
 * the rule core's LISTEN subscriber applies too).
 * A host remembered {@code full} (it refused a new login with 53300: {@code max_connections} or a
 * role's or database's connection limit reached) does not: it is up, and the sessions open to it are
 * the ones still working — dropping them freed slots for logins the pool then made and dropped again
 * (NEW-USER-13 F1: 962 logins in 8 s, a smaller pool afterwards).
 *
 * <p>A pool's eviction asks one thing more ({@link #preferredRole}): a {@code prefer-standby} session on a
 * primary is usable (libpq's second pass takes a primary), but not where the factory would put it now
 * once a standby is known up — the pool drops it when it is released or idle, never under a borrower
 * (NEW-USER-22 F4: after a switchover every read stayed on the promoted primary for the sessions' life).
 */
final class SessionValidity {

    private SessionValidity() {
    }

    /** Why a session is not usable, or that it is. */
    enum Verdict {
        USABLE(null), CLOSED("closed"), WRONG_ROLE("role"), HOST_DOWN("host-down"),
        /** Usable, but a {@code prefer-standby} session on a primary while a standby is known up: evicted unlent only. */
        NOT_PREFERRED_ROLE("preferred-role"),
        /**
         * Usable, but a {@code read-write}/{@code primary} session on another host than the factory's sticky primary (a
         * split brain: both answer as primary): evicted unlent only.
         */
        OTHER_PRIMARY("other-primary");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        /**
         * A short label for meters ({@code closed}, {@code role}, {@code host-down}, {@code preferred-role},
         * {@code other-primary}); null when usable.
         */
        String label() {
            return label;
        }
    }

    /**
     * {@code hostMemory} is what the factory remembers of the session's host
     * ({@code PgConnectionFactory.hostStatus(label)}, one map lookup: this runs on every pool acquire);
     * null for a session without a host spec.
     */
    static Verdict check(PgConnection connection, TargetSessionAttrs target, HostStatus hostMemory) {
        if (connection.isClosed()) {
            // closed because its host was found down (the starter's health closes the connections
            // of a host that stopped answering, after telling the factory): counted as host-down
            return hostMemory != null && hostMemory.state() == HostStatus.State.DOWN ? Verdict.HOST_DOWN : Verdict.CLOSED;
        }
        boolean anyRole = target == TargetSessionAttrs.ANY || target == TargetSessionAttrs.PREFER_STANDBY;
        ServerRole live = anyRole ? ServerRole.UNKNOWN : SessionRole.live(connection);
        if (live != ServerRole.UNKNOWN && !accepts(target, live)) {
            return Verdict.WRONG_ROLE;
        }
        if (hostMemory != null) {
            if (hostMemory.state() == HostStatus.State.DOWN) {
                return Verdict.HOST_DOWN;
            }
            if (!anyRole && hostMemory.role() != ServerRole.UNKNOWN && !accepts(target, hostMemory.role())
                    && SessionRole.couldHaveBecome(live, hostMemory.role())) {
                return Verdict.WRONG_ROLE;
            }
        }
        return Verdict.USABLE;
    }

    /**
     * {@code usable} (what {@link #check} said), or {@link Verdict#NOT_PREFERRED_ROLE} when it was usable, the target is
     * {@code prefer-standby}, the session's server is a primary ({@code sessionRole}: its ParameterStatus, else host
     * memory) and host memory ({@code hosts}, every configured host) holds another host {@code up} as a standby: a
     * new connect would get that standby (its first pass). With no standby up (down, {@code full}, unknown, or none
     * configured) the primary is where prefer-standby puts reads, and the session stays. {@code hosts} is asked only
     * in that case (a list built per call; a prefer-standby pool on a standby never builds it). A standby that
     * {@code refusing} names — its {@code pg_hba.conf} rejected the factory's login ({@link RefusingStandbys}) — does not
     * count: a session evicted toward it would be replaced on the primary again at best (session 24's eviction-churn
     * drill: every idle session evicted, every connect failed).
     */
    static Verdict preferredRole(Verdict usable, TargetSessionAttrs target, ServerRole sessionRole, String ownHost,
                                 Supplier<List<HostStatus>> hosts, Predicate<String> refusing) {
        if (usable != Verdict.USABLE || target != TargetSessionAttrs.PREFER_STANDBY
                || (sessionRole != ServerRole.PRIMARY && sessionRole != ServerRole.READ_ONLY_PRIMARY)) {
            return usable;
        }
        for (HostStatus host : hosts.get()) {
            if (!host.host().equals(ownHost) && host.state() == HostStatus.State.UP && host.role() == ServerRole.STANDBY
                    && !refusing.test(host.host())) {
                return Verdict.NOT_PREFERRED_ROLE;
            }
        }
        return usable;
    }

    /**
     * {@code usable}, or {@link Verdict#OTHER_PRIMARY} when it was usable and {@code stickyPrimary} — the host the
     * factory's {@code read-write}/{@code primary} connects go to first now, while it is up as one
     * ({@code PgConnectionFactory.stickyPrimary()}; empty for other targets) — is another host than the session's.
     * Two hosts that both satisfy such a target are a split brain (an old primary answering as one again, e.g. thawed
     * after a hang, beside the promoted standby): the pool's writes must go to one of them, and the one its new
     * connects reach is the one its health reports as {@code activeHost}. NEW-USER-28 F8: after a primary hung for
     * 15 s and a standby was promoted meanwhile, the pool kept lending its sessions to the old primary once it answered
     * again — 478 writes acknowledged there in 8 s, none on the promoted one, while health said {@code activeHost} was
     * the promoted one. A session under a borrower is not taken from it (its transaction stays on one server).
     */
    static Verdict otherPrimary(Verdict usable, String ownHost, java.util.Optional<String> stickyPrimary) {
        if (usable != Verdict.USABLE || ownHost == null || stickyPrimary.isEmpty() || stickyPrimary.get().equals(ownHost)) {
            return usable;
        }
        return Verdict.OTHER_PRIMARY;
    }

    /** The session's server role: its own ParameterStatus (PostgreSQL 14+), else what host memory holds. */
    static ServerRole sessionRole(PgConnection connection, HostStatus hostMemory) {
        ServerRole live = SessionRole.live(connection);
        if (live != ServerRole.UNKNOWN || hostMemory == null) {
            return live;
        }
        return hostMemory.role();
    }

    /** The label host memory files a session's host under (null for a session without a host spec). */
    static String hostLabel(PgConnection connection) {
        HostSpec host = connection.hostSpec();
        return host == null ? null : host.label();
    }

    /** Whether a server of {@code role} may keep serving this target (prefer-standby accepts any server). */
    private static boolean accepts(TargetSessionAttrs target, ServerRole role) {
        return target.accepts(role, true);
    }
}
