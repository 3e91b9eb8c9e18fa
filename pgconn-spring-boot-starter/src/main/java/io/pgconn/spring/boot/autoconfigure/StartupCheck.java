package io.pgconn.spring.boot.autoconfigure;

/**
 * What the application does at start-up to find out whether the database answers
 * ({@code pg.conn.startup-check}).
 */
public enum StartupCheck {

    /** No connect at start-up: the first {@code connect()} is the first to find out. */
    NONE,

    /** One connect in the background; a WARN naming the host, the reason and what to change when it fails. Start-up does not wait. */
    WARN,

    /** One connect before start-up completes; start-up fails, naming the host and the reason, when it fails. */
    FAIL
}
