package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * CommandComplete with its command tag (e.g. {@code SELECT 1}).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COMMANDCOMPLETE">CommandComplete</a>
 */
public record CommandComplete(String tag) implements BackendMessage {

    /**
     * The tags of most single-row statements and of transaction control, decoded once: such a tag
     * comes with nearly every pipelined statement, and a string per message would be garbage at once.
     * String literals, so {@link io.pgconn.query.CommandResult#of} can know them by identity.
     */
    private static final CommandComplete[] COMMON = {
            new CommandComplete("INSERT 0 1"), new CommandComplete("UPDATE 1"), new CommandComplete("DELETE 1"),
            new CommandComplete("SELECT 1"), new CommandComplete("SELECT 0"), new CommandComplete("UPDATE 0"),
            new CommandComplete("DELETE 0"), new CommandComplete("BEGIN"), new CommandComplete("COMMIT"),
            new CommandComplete("ROLLBACK"), new CommandComplete("SET")};
    private static final byte[][] COMMON_BYTES = new byte[COMMON.length][];
    private static final int COMMON_MAX_LENGTH = 10;

    static {
        for (int i = 0; i < COMMON.length; i++) {
            COMMON_BYTES[i] = COMMON[i].tag.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static CommandComplete decode(ByteBuf body, String host) {
        int length = body.bytesBefore((byte) 0);
        if (length > 0 && length <= COMMON_MAX_LENGTH) {
            int at = body.readerIndex();
            for (int i = 0; i < COMMON.length; i++) {
                if (COMMON_BYTES[i].length == length && sameBytes(body, at, COMMON_BYTES[i])) {
                    body.skipBytes(length + 1);
                    return COMMON[i];
                }
            }
        }
        return new CommandComplete(Bodies.cString(body, host, "CommandComplete", "command tag"));
    }

    private static boolean sameBytes(ByteBuf body, int at, byte[] tag) {
        for (int i = 0; i < tag.length; i++) {
            if (body.getByte(at + i) != tag[i]) {
                return false;
            }
        }
        return true;
    }
}
