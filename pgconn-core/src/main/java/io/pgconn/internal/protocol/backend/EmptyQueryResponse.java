package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * EmptyQueryResponse: the query string was empty (it replaces CommandComplete).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-EMPTYQUERYRESPONSE">EmptyQueryResponse</a>
 */
public record EmptyQueryResponse() implements BackendMessage {

    public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

    /** The body is empty; the decoder rejects any byte left over. */
    public static EmptyQueryResponse decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
