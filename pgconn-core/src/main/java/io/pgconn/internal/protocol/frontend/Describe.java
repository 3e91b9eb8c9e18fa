package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * Describe: asks for a prepared statement's parameter and row types ({@code 'S'}) or a portal's
 * row types ({@code 'P'}).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DESCRIBE">Describe</a>
 */
public record Describe(char kind, String name) implements FrontendMessage {

    public Describe {
        Writes.requireKind(kind);
        Writes.requireNoNul(name, "describe target name");
    }

    public static Describe statement(String name) {
        return new Describe('S', name);
    }

    public static Describe portal(String name) {
        return new Describe('P', name);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'D');
        out.writeByte(kind);
        Writes.cString(out, name);
        Writes.end(out, lengthIndex);
    }
}
