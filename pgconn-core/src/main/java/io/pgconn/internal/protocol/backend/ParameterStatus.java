package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * ParameterStatus: the current value of a run-time parameter the server reports (at startup and
 * whenever it changes).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARAMETERSTATUS">ParameterStatus</a>
 */
public record ParameterStatus(String name, String value) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static ParameterStatus decode(ByteBuf body, String host) {
        String name = Bodies.cString(body, host, "ParameterStatus", "parameter name");
        if (body.bytesBefore((byte) 0) < 0) { // the field named only when it is wrong: no string built per message
            throw Bodies.malformed(host, "ParameterStatus", "value of " + name + " is not NUL-terminated");
        }
        return new ParameterStatus(name, Bodies.cString(body, host, "ParameterStatus", "value"));
    }
}
