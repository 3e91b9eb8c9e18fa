package io.pgconn.internal.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The few DER operations key loading needs: read one tag-length-value, and build a SEQUENCE around
 * existing encodings. Enough to turn PKCS#1 and SEC1 keys into PKCS#8 without BouncyCastle.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} constructed: SEC1's optional curve parameters. */
    static final int CONTEXT_0 = 0xA0;

    static final byte[] NULL = {0x05, 0x00};

    /** One element: its tag, where its value starts and how long the value is. */
    record Tlv(int tag, int valueOffset, int length) {
        int end() {
            return valueOffset + length;
        }

        byte[] value(byte[] der) {
            return Arrays.copyOfRange(der, valueOffset, end());
        }

        /** The whole encoding (tag, length and value). */
        byte[] encoding(byte[] der, int start) {
            return Arrays.copyOfRange(der, start, end());
        }
    }

    private Der() {
    }

    /** Reads the element at {@code offset}; throws {@link IllegalArgumentException} on malformed input. */
    static Tlv read(byte[] der, int offset) {
        if (offset + 2 > der.length) {
            throw new IllegalArgumentException("truncated DER at offset " + offset);
        }
        int tag = der[offset] & 0xFF;
        int first = der[offset + 1] & 0xFF;
        int position = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7F;
            // keys are small; a length of more than 4 bytes is malformed or hostile
            if (count == 0 || count > 4 || position + count > der.length) {
                throw new IllegalArgumentException("bad DER length at offset " + offset);
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (der[position++] & 0xFF);
            }
        }
        if (length > der.length - position) {
            throw new IllegalArgumentException("DER length beyond end of data at offset " + offset);
        }
        return new Tlv(tag, position, (int) length);
    }

    /** Reads the element at {@code offset} and checks its tag. */
    static Tlv expect(byte[] der, int offset, int tag, String what) {
        Tlv tlv = read(der, offset);
        if (tlv.tag() != tag) {
            throw new IllegalArgumentException("expected " + what + " (tag 0x" + Integer.toHexString(tag)
                    + "), found tag 0x" + Integer.toHexString(tlv.tag()));
        }
        return tlv;
    }

    /** {@code tag} with the concatenation of {@code parts} as its value. */
    static byte[] encode(int tag, byte[]... parts) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            value.writeBytes(part);
        }
        int length = value.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(value.toByteArray());
        return out.toByteArray();
    }
}
