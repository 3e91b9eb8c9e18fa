package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * Close: drops a prepared statement ({@code 'S'}) or a portal ({@code 'P'}) on the server.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-CLOSE">Close</a>
 */
public record Close(char kind, String name) implements FrontendMessage {

    public Close {
        Writes.requireKind(kind);
        Writes.requireNoNul(name, "close target name");
    }

    public static Close statement(String name) {
        return new Close('S', name);
    }

    public static Close portal(String name) {
        return new Close('P', name);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'C');
        out.writeByte(kind);
        Writes.cString(out, name);
        Writes.end(out, lengthIndex);
    }
}
