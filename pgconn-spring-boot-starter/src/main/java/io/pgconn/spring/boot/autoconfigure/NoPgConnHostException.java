package io.pgconn.spring.boot.autoconfigure;

/**
 * Neither {@code pg.conn.url}, {@code pg.conn.hosts}, a {@link PgConnConnectionDetails} bean nor
 * {@code PGHOST} names a server. Failing here beats libpq's silent {@code localhost:5432} as the
 * operating system's user, which would start the application and only show up in health.
 */
public class NoPgConnHostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NoPgConnHostException() {
        super("No PostgreSQL host configured: set pg.conn.hosts or pg.conn.url (or provide a PgConnConnectionDetails"
                + " bean, or PGHOST)");
    }
}
