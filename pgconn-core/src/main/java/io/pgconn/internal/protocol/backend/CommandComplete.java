package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CommandComplete with its command tag (e.g. {@code SELECT 1}).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COMMANDCOMPLETE">CommandComplete</a>
 */
public record CommandComplete(String tag) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static CommandComplete decode(ByteBuf body, String host) {
        return new CommandComplete(Bodies.cString(body, host, "CommandComplete", "command tag"));
    }
}
