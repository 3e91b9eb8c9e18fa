package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * A message sent by the client; it writes its complete wire form (type byte, length, body) itself.
 * Encoded by {@link io.pgconn.internal.protocol.FrontendMessageEncoder}.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">Message Formats</a>
 */
public sealed interface FrontendMessage
        permits StartupMessage, SslRequest, CancelRequest, PasswordMessage, SaslInitialResponse,
                SaslResponse, Query, Terminate, Parse, Bind, Describe, Execute, Sync, Close, Flush, CopyFail,
                CopyData, CopyDone,
                MessageSequence {

    void encode(ByteBuf out);
}
