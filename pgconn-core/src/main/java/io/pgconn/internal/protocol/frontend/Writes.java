package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.pgconn.PgConfigException;
import io.pgconn.codec.SendableText;

/** The framing steps every message shares: length placeholder, C strings, length patch. */
final class Writes {

    private Writes() {
    }

    /** Writes the type byte and a length placeholder; returns where the length goes. */
    static int begin(ByteBuf out, char type) {
        out.writeByte(type);
        return beginUntyped(out);
    }

    /** Startup-phase packets (StartupMessage, SSLRequest, CancelRequest) have no type byte. */
    static int beginUntyped(ByteBuf out) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        return lengthIndex;
    }

    /** Patches the length: it counts itself and the body, not the type byte. */
    static void end(ByteBuf out, int lengthIndex) {
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    /** UTF-8 then NUL; callers have rejected embedded NULs, which would cut the string short. */
    static void cString(ByteBuf out, String value) {
        ByteBufUtil.writeUtf8(out, value);
        out.writeByte(0);
    }

    /**
     * Refuses a NUL the server would read as the end of the string, and an unpaired surrogate UTF-8 cannot encode
     * (written as '?'); the value is never shown.
     */
    static String requireNoNul(String value, String what) {
        if (value == null) {
            throw new PgConfigException(null, what + " must not be null");
        }
        int at = value.indexOf('\0');
        if (at >= 0) {
            throw new PgConfigException(null, what + " contains a NUL character (at index " + at + ")");
        }
        int surrogate = SendableText.unpairedSurrogate(value);
        if (surrogate >= 0) {
            throw new PgConfigException(null, what + " contains an unpaired UTF-16 surrogate (at index " + surrogate
                    + "), which UTF-8 has no encoding for");
        }
        return value;
    }

    /** Counts are written as int16: more than 65535 elements cannot be sent. */
    static void requireCount(int count, String what) {
        if (count > 0xFFFF) {
            throw new PgConfigException(null, count + " " + what + " (the protocol allows at most 65535)");
        }
    }

    /** Describe and Close name a statement ('S') or a portal ('P'). */
    static void requireKind(char kind) {
        if (kind != 'S' && kind != 'P') {
            throw new PgConfigException(null, "target kind '" + kind + "' (expected 'S' statement or 'P' portal)");
        }
    }
}
