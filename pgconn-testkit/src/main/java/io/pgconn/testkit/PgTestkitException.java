package io.pgconn.testkit;

/**
 * Thrown when the testkit cannot find, extract, start, stop or talk to a PostgreSQL server.
 * For SQL errors reported by the server, {@link #sqlState()} holds the SQLSTATE.
 */
public class PgTestkitException extends RuntimeException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The SQLSTATE of a server error, or null. */
    private final String sqlState;

    /**
     * @param message what went wrong
     */
    public PgTestkitException(String message) {
        this(message, null, null);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public PgTestkitException(String message, Throwable cause) {
        this(message, null, cause);
    }

    PgTestkitException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /**
     * @return the SQLSTATE of a server error, or {@code null} when the failure did not come from the server
     */
    public String sqlState() {
        return sqlState;
    }
}
