package io.pgconn.internal.query;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The start of every statement name one connection gives the server: {@code pgconn_<tag>_}, the tag unique to the
 * connection — a process-wide counter from a random start, 48 bits in base 36 (at most 10 characters). A pooler in
 * transaction mode (PgBouncer) runs the statements of many connections on shared server sessions: with names that
 * only count per connection ({@code pgconn_1}, as pgjdbc's {@code S_1}, r2dbc-postgresql's {@code S_0} and
 * vertx-pg-client's hex sequence), one connection's Bind ran another connection's statement of the same name, and a
 * statement of the same parameter types and row shape answered with the other's rows (NEW-USER-21 F1). With tags
 * unique across connections, a server session can only lack the statement (26000) or already have it under that
 * name because this very connection prepared it there (the same text: names are never reused), never run another
 * connection's text. Within a process tags never repeat; across processes, two random starts 2<sup>48</sup> apart
 * overlap only for connections counted near the same value. Computed once per connection, and the name once per
 * statement prepared: nothing per execution.
 */
final class StatementNamePrefix {

    private static final long TAG_MASK = (1L << 48) - 1;

    private static final AtomicLong NEXT_TAG = new AtomicLong(new SecureRandom().nextLong());

    private StatementNamePrefix() {
    }

    /** A new connection's prefix: {@code pgconn_}, its tag (letters and digits), {@code _}; the statement's number follows. */
    static String next() {
        return "pgconn_" + Long.toString(NEXT_TAG.getAndIncrement() & TAG_MASK, Character.MAX_RADIX) + "_";
    }
}
