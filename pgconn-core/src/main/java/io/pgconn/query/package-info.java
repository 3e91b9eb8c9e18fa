/**
 * The query API of a {@link io.pgconn.PgConnection}: statements with {@code $n} parameters run
 * with the extended query protocol, results streamed as {@link io.pgconn.query.Segment}s through a
 * {@link java.util.concurrent.Flow.Publisher} that honours demand, or collected into
 * {@link io.pgconn.query.RowSet}s; transaction options and status.
 */
package io.pgconn.query;
