package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * {@code pg.conn.startup-check=fail} and no acceptable host answered within {@code connect-timeout}.
 * The reason is core's (each host's failure), with every configured password hidden.
 */
public class PgConnStartupCheckException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String hosts;

    private final String reason;

    private final String action;

    public PgConnStartupCheckException(String hosts, String reason, @Nullable Throwable cause) {
        this(hosts, reason, StartupFailureAction.ofUnknownCause(), cause);
    }

    /**
     * @param action what to change for this failure's cause ({@link StartupFailureAction}), shown as the
     *               report's "Action"
     */
    public PgConnStartupCheckException(String hosts, String reason, String action, @Nullable Throwable cause) {
        super("pgconn start-up check could not connect to " + hosts + ": " + reason, cause);
        this.hosts = hosts;
        this.reason = reason;
        this.action = action;
    }

    /** The configured hosts ({@code host:port}, comma-separated) that were tried. */
    public String getHosts() {
        return this.hosts;
    }

    /** Why no host was acceptable; never holds a password. */
    public String getReason() {
        return this.reason;
    }

    /** What to change for the failure's cause (the database, the password, the server's pg_hba.conf ...). */
    public String getAction() {
        return this.action;
    }
}
