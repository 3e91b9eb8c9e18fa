/**
 * COPY through the connection's own methods ({@code PgConnection.copyIn}, {@code copyOut}; docs/query.md §6): the
 * exchanges that run a COPY statement with the simple query protocol and own the session from its Query to its
 * ReadyForQuery ({@link io.pgconn.internal.copy.CopyInExchange}, {@link io.pgconn.internal.copy.CopyOutExchange}), the
 * subscriber that feeds a caller's publisher to the server as the socket takes it
 * ({@link io.pgconn.internal.copy.CopyInFeed}), and the blocking adapters for streams
 * ({@link io.pgconn.internal.copy.CopyStreams}).
 */
package io.pgconn.internal.copy;
