package io.pgconn.codec;

/**
 * The wire format of one value: the format code PostgreSQL uses in Bind's parameter and result
 * format lists and in RowDescription.
 */
public enum Format {
    /** Format code 0: the type's text output ({@code *_out} / {@code *_in}). */
    TEXT,
    /** Format code 1: the type's binary form ({@code *_send} / {@code *_recv}). */
    BINARY;

    /** The protocol's format code: 0 for text, 1 for binary. */
    public short code() {
        return (short) ordinal();
    }

    /** The format for a protocol format code; anything but 0 or 1 is a {@link IllegalArgumentException}. */
    public static Format ofCode(int code) {
        return switch (code) {
            case 0 -> TEXT;
            case 1 -> BINARY;
            default -> throw new IllegalArgumentException("format code must be 0 (text) or 1 (binary), got " + code);
        };
    }
}
