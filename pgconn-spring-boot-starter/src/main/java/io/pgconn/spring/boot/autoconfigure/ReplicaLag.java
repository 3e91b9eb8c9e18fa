package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * How far a standby's replay was behind, as its health probe last measured it on the standby itself
 * ({@code health.ReplicaLagProbe}), with functions any role may call — no {@code pg_monitor}, no connection to the
 * primary needed.
 *
 * @param bytes        WAL the standby received and has not replayed yet
 *                     ({@code pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())}); {@code null}
 *                     when the standby received nothing by streaming (restoring from an archive only)
 * @param seconds      0 when replay has caught up with what the standby received, else the age of the last transaction
 *                     it replayed ({@code now() - pg_last_xact_replay_timestamp()}): at most this stale is a read there.
 *                     An upper bound, not the delay: on a primary that commits rarely, a probe that finds a record
 *                     other than a commit received and not yet replayed (a checkpoint, a standby snapshot), or replay
 *                     waiting out a recovery conflict, reads the age of the last commit, though the standby may miss
 *                     only milliseconds of data — alert on it with a duration ({@code for: 1m}) or on {@code bytes}.
 *                     {@code null} when it replayed no transaction since it started. While the primary writes nothing
 *                     (nothing to replay) it reads 0
 * @param replayPaused whether replay is paused ({@code pg_wal_replay_pause()}): the lag then grows with every write on
 *                     the primary until someone resumes it
 * @param receiving    whether a WAL receiver runs on the standby ({@code pg_stat_wal_receiver} has a row; its
 *                     {@code pid} is shown to any role): {@code false} while it is cut off from its upstream (or restores
 *                     from an archive only) — then {@code bytes} and {@code seconds} count only what it has not replayed
 *                     of what it got, and say nothing of how far the primary is ahead
 * @param measuredAt   when the probe that measured it ended
 */
public record ReplicaLag(@Nullable Long bytes, @Nullable Double seconds, boolean replayPaused, boolean receiving,
                         Instant measuredAt) {
}
