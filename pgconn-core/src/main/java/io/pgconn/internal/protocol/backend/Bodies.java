package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgProtocolException;
import io.pgconn.ServerErrorFields;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading helpers shared by the message decoders; every failure names the message and the host. */
final class Bodies {

    private Bodies() {
    }

    static PgProtocolException malformed(String host, String message, String problem) {
        return new PgProtocolException(host, "malformed " + message + " from " + host + ": " + problem);
    }

    /** Fails unless {@code bytes} more bytes are readable; keeps fixed-size reads inside the body. */
    static void need(ByteBuf body, int bytes, String host, String message) {
        if (body.readableBytes() < bytes) {
            throw malformed(host, message, "body too short (" + body.readableBytes() + " bytes left, "
                    + bytes + " needed)");
        }
    }

    /**
     * Validates a count read from the wire before anything is sized by it: each element needs at
     * least {@code minBytesEach} bytes, so a count the remaining body cannot hold is a lie.
     */
    static int count(ByteBuf body, int count, int minBytesEach, String host, String message, String what) {
        if (count < 0) {
            throw malformed(host, message, "negative " + what + " count " + count);
        }
        if ((long) count * minBytesEach > body.readableBytes()) {
            throw malformed(host, message, what + " count " + count + " does not fit in the remaining "
                    + body.readableBytes() + " bytes");
        }
        return count;
    }

    /** A NUL-terminated UTF-8 string. */
    static String cString(ByteBuf body, String host, String message, String field) {
        int length = body.bytesBefore((byte) 0);
        if (length < 0) {
            throw malformed(host, message, field + " is not NUL-terminated");
        }
        String value = body.toString(body.readerIndex(), length, StandardCharsets.UTF_8);
        body.skipBytes(length + 1);
        return value;
    }

    /** Everything left in the body, copied: records never keep a reference to a buffer. */
    static byte[] rest(ByteBuf body) {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        return bytes;
    }

    /** The field list of ErrorResponse/NoticeResponse: (type byte, C string)*, then a zero byte. */
    static ServerErrorFields errorFields(ByteBuf body, String host, String message) {
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            if (!body.isReadable()) {
                throw malformed(host, message, "field list is not terminated by a zero byte");
            }
            byte code = body.readByte();
            if (code == 0) {
                return new ServerErrorFields(fields);
            }
            fields.put((char) (code & 0xFF), cString(body, host, message, "field '" + (char) code + "'"));
        }
    }
}
