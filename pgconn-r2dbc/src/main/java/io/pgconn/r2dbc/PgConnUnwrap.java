package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reaches pgconn's own objects under any number of R2DBC wrappers, each level through
 * {@link Wrapped#unwrap()}: r2dbc-pool's pooled connection, r2dbc-proxy's proxy (Spring Boot's
 * {@code ConnectionFactoryDecorator}, e.g. its {@code r2dbc.query} observation), an application's own.
 * How many levels there are depends on what the application configured, so code that wants the core
 * {@link PgConnection} of a pooled connection asks this instead of counting {@code unwrap()} calls.
 */
public final class PgConnUnwrap {

    /** Deeper than any real stack of wrappers; guards against a wrapper whose unwrap() leads back to itself. */
    private static final int MAX_LEVELS = 32;

    private PgConnUnwrap() {
    }

    /**
     * The pgconn session under {@code connection}, lent for as long as {@code connection} is held:
     * begin, commit, roll back and close through R2DBC (docs/r2dbc.md §4). Handed out as the driver connection's
     * {@code unwrap()} hands it out: what is sent through it counts as use for the reset on release.
     *
     * @throws IllegalArgumentException naming each wrapper's class when no pgconn connection is under it
     */
    public static PgConnection pgConnection(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return driverConnection(connection).map(PgConnR2dbcConnection::unwrap).orElseThrow(() ->
                new IllegalArgumentException("not a pgconn R2DBC connection: " + chain(connection)
                        + " wraps no pgconn connection (expected a connection from pgconn-r2dbc's ConnectionFactory, "
                        + "directly or through wrappers that implement io.r2dbc.spi.Wrapped)"));
    }

    /**
     * Where the pgconn session under {@code connection} is and when it closes, read without lending the session: unlike
     * {@link #pgConnection}, which hands out the core connection (what is sent through it counts as use), this sends
     * nothing and counts as no use, so a lend that sent nothing else is not reset on release (docs/r2dbc.md §4). For code
     * that watches a pool's sessions, such as the Spring Boot starter's per-host counts. Empty when no pgconn connection
     * is under {@code connection}.
     */
    public static Optional<PgConnSessionHost> sessionHost(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return find(connection, PgConnR2dbcConnection.class, false).map(driver -> {
            PgConnection session = driver.pgConnection();
            String label = session.hostSpec() != null ? session.hostSpec().label() : session.host();
            return new PgConnSessionHost(label, session.closeFuture().minimalCompletionStage());
        });
    }

    /**
     * COPY on the pgconn connection under {@code connection} (r2dbc-pool's, a proxy's ...): its
     * {@link PgConnR2dbcCopy} side, an operation of that connection (docs/r2dbc.md §6).
     *
     * @throws IllegalArgumentException naming each wrapper's class when no pgconn connection is under it
     */
    public static PgConnR2dbcCopy copy(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return driverConnection(connection).orElseThrow(() ->
                new IllegalArgumentException("not a pgconn R2DBC connection: " + chain(connection)
                        + " wraps no pgconn connection, so it has no COPY (expected a connection from pgconn-r2dbc's"
                        + " ConnectionFactory, directly or through wrappers that implement io.r2dbc.spi.Wrapped)"));
    }

    /** The pgconn driver factory under {@code connectionFactory} (a pool, a proxy, ...), if it is one. */
    public static Optional<PgConnR2dbcConnectionFactory> driverFactory(Object connectionFactory) {
        return find(connectionFactory, PgConnR2dbcConnectionFactory.class);
    }

    /** The pgconn driver connection under {@code connection}, if it is one. */
    static Optional<PgConnR2dbcConnection> driverConnection(Object connection) {
        return find(connection, PgConnR2dbcConnection.class);
    }

    private static <T> Optional<T> find(Object candidate, Class<T> type) {
        return find(candidate, type, true);
    }

    /**
     * The first {@code type} under {@code candidate}, each wrapper asked {@link Wrapped#unwrap()}; with
     * {@code handsOut} false a pool's lease is walked through without its {@code unwrap()}, which hands the session out
     * and ends the lease's abandoned-lease watch for good (REVIEW R33-4: {@link #sessionHost} did).
     */
    private static <T> Optional<T> find(Object candidate, Class<T> type, boolean handsOut) {
        Object current = candidate;
        for (int level = 0; level < MAX_LEVELS && current != null; level++) {
            if (type.isInstance(current)) {
                return Optional.of(type.cast(current));
            }
            if (!(current instanceof Wrapped<?> wrapped)) {
                return Optional.empty();
            }
            Object inner = !handsOut && current instanceof PoolLeasedConnection lease ? lease.under() : wrapped.unwrap();
            if (inner == current) {
                return Optional.empty();
            }
            current = inner;
        }
        return Optional.empty();
    }

    /** The classes of {@code candidate} and what it wraps, outermost first: says where the walk ended. */
    private static String chain(Object candidate) {
        List<String> classes = new ArrayList<>();
        Object current = candidate;
        for (int level = 0; level < MAX_LEVELS && current != null; level++) {
            classes.add(current.getClass().getName());
            Object inner = current instanceof Wrapped<?> wrapped ? wrapped.unwrap() : null;
            if (inner == current) {
                break;
            }
            current = inner;
        }
        return String.join(" -> ", classes);
    }
}
