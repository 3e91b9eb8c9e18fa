package io.pgconn;

import io.pgconn.query.RowSet;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the WAL timeline a primary writes on, for a watcher to tell the factory
 * ({@link io.pgconn.spi.HostObservations#primaryTimeline}): a standby promoted to primary starts a new timeline, one higher
 * than the one it followed, so when two hosts answer as primary — an old primary answering again beside the promoted
 * standby, a split brain — the one on the higher timeline is the newer primary (docs/lifecycle.md §2.4). Read from the
 * name of the current WAL file ({@code pg_walfile_name(pg_current_wal_lsn())}, its first 8 hex digits), which any role may
 * call on a primary; {@code pg_control_checkpoint()} says it too but needs {@code pg_monitor} or superuser. A server in
 * recovery (a standby) has no timeline of its own to write on: empty. One statement; nothing runs it on a connect —
 * only a watcher that sees a second primary asks (the starter's health, once per probe round while it sees two).
 */
public final class PrimaryTimeline {

    /** Empty text on a server in recovery (where {@code pg_current_wal_lsn()} fails), else the timeline in hex. */
    public static final String SQL = "SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN '' ELSE pg_catalog.substr("
            + "pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8) END";

    private PrimaryTimeline() {
    }

    /**
     * The timeline {@code connection}'s server writes on, or empty when it is in recovery; fails as the statement does
     * (e.g. {@code EXECUTE} on the functions revoked) or with a {@link PgProtocolException} naming the host and the
     * answer when it is no timeline.
     */
    public static CompletableFuture<OptionalLong> read(PgConnection connection) {
        return connection.simpleQuery(SQL).thenApply(result -> parse(connection.host(), result));
    }

    /**
     * As {@link #read(PgConnection)}, bounded by the statement's own {@code timeout} (docs/query.md §5): when it passes
     * while the read runs, the server is asked to cancel this statement and no other, and the future fails with a
     * {@link PgStatementTimeoutException} — a watcher's read on its probe session does not run on into the next probe.
     * A {@link PgConnection#cancel()} after a timeout of the caller's own would hit whatever the session runs when the
     * request arrives, that next probe included.
     */
    public static CompletableFuture<OptionalLong> read(PgConnection connection, Duration timeout) {
        return connection.statement(SQL).timeout(timeout).collect()
                .thenApply(results -> parse(connection.host(), results.get(0)));
    }

    /** The timeline in {@code result} (8 hex digits), empty for a server in recovery. */
    static OptionalLong parse(String host, QueryResult result) {
        String value = result.rows().size() == 1 && result.rows().get(0).size() == 1 ? result.rows().get(0).get(0) : null;
        return parse(host, value, result.rows().size());
    }

    /** As {@link #parse(String, QueryResult)}, for a statement's rows. */
    static OptionalLong parse(String host, RowSet result) {
        String value = result.size() == 1 && result.row(0).size() == 1 ? result.row(0).getString(0) : null;
        return parse(host, value, result.size());
    }

    private static OptionalLong parse(String host, String value, int rows) {
        if (value != null && value.isEmpty()) {
            return OptionalLong.empty();
        }
        if (value == null || value.length() != 8 || !value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new PgProtocolException(host, "the timeline read on " + host + " is no timeline (8 hex digits expected): "
                    + (value == null ? rows + " row(s)" : "'" + value + "'"));
        }
        return OptionalLong.of(Long.parseLong(value, 16));
    }
}
