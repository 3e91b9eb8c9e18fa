package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.config.HostSpec;
import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;

import java.util.Map;

/**
 * Decides {@code validate(LOCAL)} without a round trip: a session is usable while it is open and
 * its server still satisfies the factory's {@code target_session_attrs}, as far as the client knows
 * it. Two sources tell: the session's own {@code in_hot_standby} / {@code default_transaction_read_only}
 * ParameterStatus values (PostgreSQL 14+ reports changes to them on the session), and the factory's
 * host memory, which any later connect or health check updates. A host remembered as down, or in a
 * role the target does not accept, makes every session to it unusable: after a failover, a pool
 * stops handing out sessions to the old primary as soon as anything has seen it demoted or gone.
 * A host remembered {@code full} (it refused a new login with 53300: {@code max_connections} or a
 * role's or database's connection limit reached) does not: it is up, and the sessions open to it are
 * the ones still working — dropping them freed slots for logins the pool then made and dropped again
 * (NEW-USER-13 F1: 962 logins in 8 s, a smaller pool afterwards).
 */
final class SessionValidity {

    private SessionValidity() {
    }

    /** Why a session is not usable, or that it is. */
    enum Verdict {
        USABLE(null), CLOSED("closed"), WRONG_ROLE("role"), HOST_DOWN("host-down");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        /** A short label for meters ({@code closed}, {@code role}, {@code host-down}); null when usable. */
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
        if (!anyRole) {
            ServerRole live = liveRole(connection.parameters());
            if (live != ServerRole.UNKNOWN && !accepts(target, live)) {
                return Verdict.WRONG_ROLE;
            }
        }
        if (hostMemory != null) {
            if (hostMemory.state() == HostStatus.State.DOWN) {
                return Verdict.HOST_DOWN;
            }
            if (!anyRole && hostMemory.role() != ServerRole.UNKNOWN && !accepts(target, hostMemory.role())) {
                return Verdict.WRONG_ROLE;
            }
        }
        return Verdict.USABLE;
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

    /** The role from the ParameterStatus values PostgreSQL 14+ reports; UNKNOWN before 14. */
    static ServerRole liveRole(Map<String, String> parameters) {
        String hotStandby = parameters.get("in_hot_standby");
        String readOnly = parameters.get("default_transaction_read_only");
        if (hotStandby == null || readOnly == null) {
            return ServerRole.UNKNOWN;
        }
        return ServerRole.of("on".equals(hotStandby), "on".equals(readOnly));
    }
}
