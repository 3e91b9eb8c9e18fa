package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConfigException;

/**
 * Query: a simple-protocol query string.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-QUERY">Query</a>
 */
public record Query(String sql) implements FrontendMessage {

    /** @throws PgConfigException if the query text contains a NUL character, which would cut it short */
    public Query {
        Writes.requireNoNul(sql, "query text");
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'Q');
        Writes.cString(out, sql);
        Writes.end(out, lengthIndex);
    }
}
