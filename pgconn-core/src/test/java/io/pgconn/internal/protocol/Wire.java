package io.pgconn.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds backend messages byte by byte, so tests state the wire format they expect. */
final class Wire {

    private final char type;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Integer lengthOverride;

    private Wire(char type) {
        this.type = type;
    }

    static Wire msg(char type) {
        return new Wire(type);
    }

    Wire int8(int v) {
        body.write(v);
        return this;
    }

    Wire int16(int v) {
        return int8(v >>> 8).int8(v);
    }

    Wire int32(int v) {
        return int16(v >>> 16).int16(v);
    }

    Wire bytes(byte[] v) {
        body.writeBytes(v);
        return this;
    }

    /** UTF-8 without terminator. */
    Wire text(String v) {
        return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    /** UTF-8 plus NUL. */
    Wire cstr(String v) {
        return text(v).int8(0);
    }

    /** Declares a length other than the real one. */
    Wire length(int length) {
        lengthOverride = length;
        return this;
    }

    byte[] build() {
        byte[] b = body.toByteArray();
        int length = lengthOverride != null ? lengthOverride : b.length + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
