package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * ReadyForQuery with the transaction status: 'I' idle, 'T' in a transaction block, 'E' in a
 * failed transaction block.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-READYFORQUERY">ReadyForQuery</a>
 */
public record ReadyForQuery(char transactionStatus) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static ReadyForQuery decode(ByteBuf body, String host) {
        Bodies.need(body, 1, host, "ReadyForQuery");
        int status = body.readUnsignedByte();
        if (status != 'I' && status != 'T' && status != 'E') {
            throw Bodies.malformed(host, "ReadyForQuery", String.format(
                    "transaction status 0x%02x (expected 'I', 'T' or 'E')", status));
        }
        return status == 'I' ? IDLE : status == 'T' ? IN_TRANSACTION : FAILED_TRANSACTION;
    }

    /** One instance per status: every exchange ends with one of these. */
    private static final ReadyForQuery IDLE = new ReadyForQuery('I');
    private static final ReadyForQuery IN_TRANSACTION = new ReadyForQuery('T');
    private static final ReadyForQuery FAILED_TRANSACTION = new ReadyForQuery('E');
}
