package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.QueryResult;
import io.pgconn.spring.boot.autoconfigure.ReplicaLag;
import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how far a standby's replay is behind, on the standby's own probe session, after it answered as a standby
 * (one more round trip, standbys only): the WAL it received and has not replayed, in bytes, and the age of the last
 * transaction it replayed while it has some left to replay, in seconds ({@link ReplicaLag}). Every function it calls
 * is executable by any role ({@code pg_last_wal_receive_lsn}, {@code pg_last_wal_replay_lsn},
 * {@code pg_last_xact_replay_timestamp}, {@code pg_is_wal_replay_paused}), so the application's own login measures
 * it: comparing with the primary's {@code pg_current_wal_lsn()} would need a session on the primary and a moment
 * common to both, and {@code pg_stat_replication} on the primary shows other roles' rows only to
 * {@code pg_read_all_stats}. What it cannot see: WAL the standby has not received (its WAL receiver cut off from the
 * primary) — the lag then reads what it replayed of what it got, usually 0; so it also tells whether a WAL receiver
 * runs ({@code pg_stat_wal_receiver} has a row: its {@code pid}, the one column shown to any role, is never null there).
 */
final class ReplicaLagProbe {

    /** Schema-qualified: a function of the same name earlier on the login's search_path is not called. */
    static final String SQL = "SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(), "
            + "pg_catalog.pg_last_wal_replay_lsn()), "
            + "CASE WHEN pg_catalog.pg_last_wal_receive_lsn() IS NULL "
            + "OR pg_catalog.pg_last_wal_receive_lsn() > pg_catalog.pg_last_wal_replay_lsn() "
            + "THEN extract(epoch FROM pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp()) ELSE 0 END, "
            + "pg_catalog.pg_is_wal_replay_paused(), "
            + "EXISTS (SELECT FROM pg_catalog.pg_stat_wal_receiver)";

    private final Duration timeout;

    private final Clock clock;

    ReplicaLagProbe(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The lag of the standby {@code session} is on; fails when the server does not answer within the probe timeout. */
    CompletableFuture<ReplicaLag> measure(PgConnection session) {
        // composed, so that a session that throws instead of failing its future fails this future too
        return CompletableFuture.completedFuture(session).thenCompose(asked -> asked.simpleQuery(SQL))
                .orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(result -> parse(session.host(), result));
    }

    /** The lag in the answer; an {@code IllegalStateException} naming {@code host} when it is not four columns. */
    ReplicaLag parse(String host, QueryResult result) {
        if (result.rows().size() != 1 || result.rows().get(0).size() != 4) {
            throw new IllegalStateException("replica lag query on " + host + " returned " + result.rows().size()
                    + " row(s), expected 1 of 4 columns");
        }
        List<String> row = result.rows().get(0);
        return new ReplicaLag(bytes(row.get(0)), seconds(row.get(1)), "t".equals(row.get(2)), "t".equals(row.get(3)),
                this.clock.instant());
    }

    /** Never below 0: just after the standby started, what it received may start before what it replayed. */
    private static @Nullable Long bytes(@Nullable String value) {
        return value == null ? null : Math.max(0, new BigDecimal(value).longValue());
    }

    /** Never below 0: the server's clock and the replayed commit's (the primary's) may differ by a little. */
    private static @Nullable Double seconds(@Nullable String value) {
        return value == null ? null : Math.max(0, Double.parseDouble(value));
    }
}
