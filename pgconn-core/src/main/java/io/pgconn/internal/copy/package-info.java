/**
 * COPY through the connection's own methods ({@code PgConnection.copyIn}, {@code copyOut}; docs/query.md §6): the
 * exchanges that run a COPY statement with the simple query protocol and own the session from its Query to its
 * ReadyForQuery ({@link io.pgconn.internal.copy.CopyInExchange}, {@link io.pgconn.internal.copy.CopyOutExchange}), the
 * subscriber that feeds a caller's publisher to the server as the socket takes it
 * ({@link io.pgconn.internal.copy.CopyInFeed}). The blocking stream forms are the API's
 * ({@code io.pgconn.query.PgCopyStreams}), on the asynchronous methods.
 */
package io.pgconn.internal.copy;
