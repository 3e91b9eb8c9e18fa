package io.pgconn.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/** SQL as the testkit's superuser over a server's Unix socket: one session per call. */
final class SuperuserSql {

    private final Path socketDirectory;
    private final IntSupplier port;

    /** {@code port} is read at each call: a server may move to another port before its first start. */
    SuperuserSql(Path socketDirectory, IntSupplier port) {
        this.socketDirectory = socketDirectory;
        this.port = port;
    }

    /** The rows, each as its columns joined by {@code |} (SQL NULL as an empty string). */
    List<String> execute(String database, String sql) {
        List<String> out = new ArrayList<>();
        for (List<String> row : query(database, sql)) {
            out.add(String.join("|", row.stream().map(v -> v == null ? "" : v).toList()));
        }
        return out;
    }

    /** The rows as lists of column texts ({@code null} for SQL NULL). */
    List<List<String>> query(String database, String sql) {
        try (AdminClient c = admin(database)) {
            return c.query(sql);
        }
    }

    /** The first column of the first row, or {@code null} when there is no row. */
    String queryValue(String database, String sql) {
        List<List<String>> rows = query(database, sql);
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    /** Whether {@code pg_is_in_recovery()}: a standby that has not been promoted. */
    boolean inRecovery() {
        return "t".equals(queryValue(PgServer.DEFAULT_DATABASE, "SELECT pg_is_in_recovery()"));
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
