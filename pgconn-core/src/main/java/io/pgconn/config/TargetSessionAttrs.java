package io.pgconn.config;

import io.pgconn.ServerRole;


/**
 * libpq's <a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-TARGET-SESSION-ATTRS">target_session_attrs</a>.
 */
public enum TargetSessionAttrs implements LibpqValue {
    ANY("any"),
    READ_WRITE("read-write"),
    READ_ONLY("read-only"),
    PRIMARY("primary"),
    STANDBY("standby"),
    /** Pass 1 accepts standbys only; pass 2 accepts any server, hosts in the same order. */
    PREFER_STANDBY("prefer-standby");

    private final String libpqName;

    TargetSessionAttrs(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static TargetSessionAttrs parse(String value) {
        return LibpqValue.parse(TargetSessionAttrs.class, "target_session_attrs", value);
    }

    /** Whether a server of this role is acceptable in the given pass (pass 1 is the only pass except for prefer-standby). */
    public boolean accepts(ServerRole role, boolean secondPass) {
        return switch (this) {
            case ANY -> true;
            case READ_WRITE -> role == ServerRole.PRIMARY;
            case READ_ONLY -> role.isReadOnly();
            case PRIMARY -> role == ServerRole.PRIMARY || role == ServerRole.READ_ONLY_PRIMARY;
            case STANDBY -> role == ServerRole.STANDBY;
            case PREFER_STANDBY -> secondPass || role == ServerRole.STANDBY;
        };
    }

    /** Whether the role of a server must be known to decide (everything but {@code any}). */
    public boolean needsRole() {
        return this != ANY;
    }

    /** Whether the decision needs read-only-ness ({@code default_transaction_read_only}/{@code transaction_read_only}); otherwise it needs recovery state. */
    public boolean decidedByReadOnly() {
        return this == READ_WRITE || this == READ_ONLY;
    }

    /**
     * Whether a factory keeps new connects for this value on the host its last one reached, while that host stays
     * up in an accepted role ({@code read-write}, {@code primary}: one writable primary, also when an old one comes
     * back beside it — a deliberate difference from libpq, docs/lifecycle.md §2.4, §9).
     */
    public boolean sticksToLastHost() {
        return this == READ_WRITE || this == PRIMARY;
    }

        /** Number of passes over the host list. */
    public int passes() {
        return this == PREFER_STANDBY ? 2 : 1;
    }
}
