package io.pgconn.sample.embedded;

/** The embedded cluster already used its one failover: the old primary cannot rejoin without pg_rewind. */
public final class FailoverUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FailoverUnavailableException(FailoverResult done) {
        super("the demo failover already happened at " + done.at() + " (" + done.stoppedPrimary() + " stopped, "
                + done.promotedStandby() + " promoted); the old primary cannot rejoin without pg_rewind, "
                + "which the bundled PostgreSQL binaries lack: restart the application for another try");
    }
}
