package io.pgconn.internal.protocol.backend;

/**
 * A message sent by the server, decoded by {@link io.pgconn.internal.protocol.BackendMessageDecoder}.
 * Each type decodes its own body (the bytes after the type byte and length) with a static
 * {@code decode(ByteBuf body, String host)}; records hold {@code byte[]}/{@code String}, never buffers.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">Message Formats</a>
 */
public sealed interface BackendMessage
        permits AuthenticationRequest, BackendKeyData, BindComplete, CloseComplete, CommandComplete,
                CopyData, CopyDone, CopyResponse, DataRow, EmptyQueryResponse, ErrorResponse, NegotiateProtocolVersion,
                NoData, NoticeResponse, NotificationResponse, ParameterDescription, ParameterStatus,
                ParseComplete, PortalSuspended, ReadyForQuery, RowDescription {
}
