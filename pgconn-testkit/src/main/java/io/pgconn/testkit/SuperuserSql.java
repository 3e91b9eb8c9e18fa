package io.pgconn.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * SQL as the testkit's superuser on one server, over its Unix socket, one session per call: a test's setup and its look
 * at the server ({@link PgServer#sql()}; {@link PgServer#execute(String)} and its kin are these). Not a driver: the
 * simple query protocol, every value as text.
 */
public final class SuperuserSql {

    private final Path socketDirectory;
    private final IntSupplier port;
    /** Throws when the server cannot be asked now (stopped, closed): checked by each of the public calls. */
    private final Runnable requireRunning;

    /** {@code port} is read at each call: a server may move to another port before its first start. */
    SuperuserSql(Path socketDirectory, IntSupplier port, Runnable requireRunning) {
        this.socketDirectory = socketDirectory;
        this.port = port;
        this.requireRunning = requireRunning;
    }

    /**
     * Runs SQL as superuser in {@link PgServer#DEFAULT_DATABASE} and returns the rows, each as its columns joined by
     * {@code |} ({@code psql -At} style; SQL NULL as an empty string).
     *
     * @param sql one or more statements
     * @return the rows of all statements, in order
     * @throws PgTestkitException on an SQL error (with {@link PgTestkitException#sqlState()})
     */
    public List<String> execute(String sql) {
        return execute(PgServer.DEFAULT_DATABASE, sql);
    }

    /**
     * As {@link #execute(String)}, in {@code database} (new user 10 F5: DDL for an application's own database,
     * such as a table in {@code orders}, needed a connection of the test's own: there is no {@code \c}).
     *
     * @param database a database of this server
     * @param sql      one or more statements
     * @return the rows of all statements, in order
     * @throws PgTestkitException on an SQL error, or when {@code database} does not exist (the server's message
     *                            names it)
     */
    public List<String> execute(String database, String sql) {
        requireRunning.run();
        return joined(database, sql);
    }

    /**
     * @param sql one or more statements
     * @return the rows as lists of column texts ({@code null} for SQL NULL)
     */
    public List<List<String>> query(String sql) {
        return query(PgServer.DEFAULT_DATABASE, sql);
    }

    /**
     * As {@link #query(String)}, in {@code database}.
     *
     * @param database a database of this server
     * @param sql      one or more statements
     * @return the rows as lists of column texts ({@code null} for SQL NULL)
     */
    public List<List<String>> query(String database, String sql) {
        requireRunning.run();
        return rows(database, sql);
    }

    /**
     * @param sql a query
     * @return the first column of the first row, or {@code null} when there is no row
     */
    public String queryValue(String sql) {
        return queryValue(PgServer.DEFAULT_DATABASE, sql);
    }

    /**
     * As {@link #queryValue(String)}, in {@code database}.
     *
     * @param database a database of this server
     * @param sql      a query
     * @return the first column of the first row, or {@code null} when there is no row
     */
    public String queryValue(String database, String sql) {
        requireRunning.run();
        return value(database, sql);
    }

    /** @return whether {@code pg_is_in_recovery()} (a standby that has not been promoted) */
    public boolean isInRecovery() {
        requireRunning.run();
        return inRecovery();
    }

    // the server's own parts (Postmaster: readiness, reload), whether or not it counts as running yet

    /** The rows, each as its columns joined by {@code |} (SQL NULL as an empty string). */
    List<String> joined(String database, String sql) {
        List<String> out = new ArrayList<>();
        for (List<String> row : rows(database, sql)) {
            out.add(String.join("|", row.stream().map(v -> v == null ? "" : v).toList()));
        }
        return out;
    }

    /** The rows as lists of column texts ({@code null} for SQL NULL). */
    List<List<String>> rows(String database, String sql) {
        try (AdminClient c = admin(database)) {
            return c.query(sql);
        }
    }

    /** The first column of the first row, or {@code null} when there is no row. */
    String value(String database, String sql) {
        List<List<String>> rows = rows(database, sql);
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    /** Whether {@code pg_is_in_recovery()}: a standby that has not been promoted. */
    boolean inRecovery() {
        return "t".equals(value(PgServer.DEFAULT_DATABASE, "SELECT pg_is_in_recovery()"));
    }

    /** The {@code server_version} the server reports at login. */
    String serverVersion() {
        try (AdminClient c = admin(PgServer.DEFAULT_DATABASE)) {
            return c.parameters().get("server_version");
        }
    }

    private AdminClient admin(String database) {
        return AdminClient.connect(socketDirectory, port.getAsInt(), PgServer.SUPERUSER, database, Duration.ofSeconds(30));
    }
}
