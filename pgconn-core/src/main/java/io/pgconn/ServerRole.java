package io.pgconn;

/** What a server turned out to be, as far as {@code target_session_attrs} cares. */
public enum ServerRole {
    /** Not in recovery and accepting writes by default. */
    PRIMARY("primary"),
    /** Not in recovery, but {@code default_transaction_read_only} is on. */
    READ_ONLY_PRIMARY("read-only"),
    /** A hot standby (in recovery). */
    STANDBY("standby"),
    /** Not determined (no check needed, or the check failed). */
    UNKNOWN("unknown");

    private final String label;

    ServerRole(String label) {
        this.label = label;
    }

    /** A short lower-case label for health output and tracing. */
    public String label() {
        return label;
    }

    public boolean isReadOnly() {
        return this == READ_ONLY_PRIMARY || this == STANDBY;
    }

    public boolean isStandby() {
        return this == STANDBY;
    }

    /** Decides the role from the two facts PostgreSQL 14+ reports as ParameterStatus. */
    public static ServerRole of(boolean inHotStandby, boolean defaultTransactionReadOnly) {
        if (inHotStandby) {
            return STANDBY;
        }
        return defaultTransactionReadOnly ? READ_ONLY_PRIMARY : PRIMARY;
    }
}
