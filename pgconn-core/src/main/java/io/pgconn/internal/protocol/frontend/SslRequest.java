package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * SSLRequest: asks the server to switch to TLS before StartupMessage. Eight constant bytes,
 * written directly: no buffer to share or release.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SSLREQUEST">SSLRequest</a>
 */
public record SslRequest() implements FrontendMessage {

    public static final SslRequest INSTANCE = new SslRequest();

    /** 1234 in the high 16 bits, 5679 in the low: a "version" no server will mistake for a real one. */
    public static final int CODE = 80877103;

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(8).writeInt(CODE);
    }
}
