package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.ServerRole;

/**
 * What a failover moved, by the roles of the active host before and after it — the {@code kind} tag of
 * {@code pg.conn.failovers} (docs/starter.md §4). NEW-USER-31 F4: a reads factory's count rose when its last standby
 * was restarted (its reads fell back to the primary, and back), and nothing told that from writes moving to a new
 * primary, so an alert on the count paged for a routine standby restart. A move from one standby to another is no
 * failover ({@link FailoverTracker#standbyMoves()}) and has no kind. Named by roles, not by intent, so that each
 * means one thing for every target.
 */
public enum FailoverKind {

    /**
     * From a primary to another primary: where writes go moved (a failover or switchover of a {@code read-write}
     * factory) — the one worth a page. A read-only primary ({@code default_transaction_read_only=on}) counts as a primary.
     */
    PRIMARY_TO_PRIMARY("primary-to-primary"),

    /** From a standby to a primary: a reads factory ({@code prefer-standby}) lost its standbys and fell back to the primary. */
    STANDBY_TO_PRIMARY("standby-to-primary"),

    /**
     * From a primary to a standby: a reads factory back on a standby after a fallback (or a factory of any other target
     * whose primary went away while a standby answered).
     */
    PRIMARY_TO_STANDBY("primary-to-standby"),

    /** The role before or after is not known (a connect that did not learn it): the move cannot be told. */
    ROLE_UNKNOWN("role-unknown");

    private final String tag;

    FailoverKind(String tag) {
        this.tag = tag;
    }

    /** The value of the meter's {@code kind} tag. */
    public String tag() {
        return this.tag;
    }

    /**
     * The kind of a move from a host in {@code from} to one in {@code to}; never called for standby to standby (no
     * failover).
     */
    static FailoverKind of(ServerRole from, ServerRole to) {
        if (from == ServerRole.UNKNOWN || to == ServerRole.UNKNOWN) {
            return ROLE_UNKNOWN;
        }
        if (from == ServerRole.STANDBY) {
            return STANDBY_TO_PRIMARY;
        }
        return to == ServerRole.STANDBY ? PRIMARY_TO_STANDBY : PRIMARY_TO_PRIMARY;
    }
}
