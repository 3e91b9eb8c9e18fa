package io.pgconn.testkit;

/** How {@code pg_ctl stop} shuts a server down. */
public enum StopMode {
    /** Disconnects clients, rolls back, checkpoints: a clean shutdown. */
    FAST("fast"),
    /** Quits at once without a checkpoint, as a crash would; recovery runs at the next start. */
    IMMEDIATE("immediate");

    private final String pgCtlName;

    StopMode(String pgCtlName) {
        this.pgCtlName = pgCtlName;
    }

    /** @return the value of {@code pg_ctl stop -m} */
    public String pgCtlName() {
        return pgCtlName;
    }
}
