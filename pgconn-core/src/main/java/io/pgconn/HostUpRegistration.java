package io.pgconn;

/**
 * A listener registered with {@link PgConnectionFactory#onHostUp}: closing it stops the calls. Idempotent.
 */
@FunctionalInterface
public interface HostUpRegistration extends AutoCloseable {

    /** Stops the calls; a call already running finishes. */
    @Override
    void close();
}
