package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * ParameterDescription: the type OIDs of a prepared statement's parameters. The array is not copied.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARAMETERDESCRIPTION">ParameterDescription</a>
 */
public record ParameterDescription(int[] typeOids) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static ParameterDescription decode(ByteBuf body, String host) {
        String name = "ParameterDescription";
        Bodies.need(body, 2, host, name);
        // unsigned: a statement may have up to 65535 parameters
        int count = Bodies.count(body, body.readUnsignedShort(), 4, host, name, "parameter");
        int[] typeOids = new int[count];
        for (int i = 0; i < count; i++) {
            typeOids[i] = body.readInt();
        }
        return new ParameterDescription(typeOids);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterDescription other && Arrays.equals(typeOids, other.typeOids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(typeOids);
    }

    @Override
    public String toString() {
        return "ParameterDescription[typeOids=" + Arrays.toString(typeOids) + "]";
    }
}
