package io.pgconn;

/**
 * A connect (or a cancel request) refused or cut off because its {@link PgConnectionFactory} was closed: "the connection
 * factory was closed", "connection factory is closed". A closed factory never opens a connection again, so a retry
 * cannot succeed ({@link ConnectFailures#isWorthRetryingSoon} is false: a pool's create retry fails at once instead of
 * trying until its deadline). A {@link PgClosedException}, as before it had a type of its own.
 */
public class PgFactoryClosedException extends PgClosedException {

    private static final long serialVersionUID = 1L;

    public PgFactoryClosedException(String host, String message) {
        super(host, message);
    }

    public PgFactoryClosedException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
