package io.pgconn.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Network-order numbers read straight from an array (one bounds check, no buffer), for the codecs that read arrays. */
final class BigEndian {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian() {
    }

    static short int16(byte[] bytes, int at) {
        return (short) SHORT.get(bytes, at);
    }

    static int uint16(byte[] bytes, int at) {
        return (short) SHORT.get(bytes, at) & 0xFFFF;
    }

    static int int32(byte[] bytes, int at) {
        return (int) INT.get(bytes, at);
    }

    static long int64(byte[] bytes, int at) {
        return (long) LONG.get(bytes, at);
    }

    static byte[] of16(int value) {
        byte[] bytes = new byte[2];
        SHORT.set(bytes, 0, (short) value);
        return bytes;
    }

    static byte[] of32(int value) {
        byte[] bytes = new byte[4];
        INT.set(bytes, 0, value);
        return bytes;
    }

    static byte[] of128(long high, long low) {
        byte[] bytes = new byte[16];
        LONG.set(bytes, 0, high);
        LONG.set(bytes, 8, low);
        return bytes;
    }

    static byte[] of64(long value) {
        byte[] bytes = new byte[8];
        LONG.set(bytes, 0, value);
        return bytes;
    }
}
