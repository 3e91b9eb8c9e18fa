package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Whether a Java string can travel as PostgreSQL text on a UTF8 connection, and whether its UTF-8 form fits a length:
 * the one place of these scans in pgconn-core — the text codecs' checks of a value, the query path's of a query text,
 * the protocol messages' of their strings. Two kinds of char cannot travel: U+0000, which no PostgreSQL text holds (the
 * server refuses it with an encoding error that quotes the bytes), and an unpaired UTF-16 surrogate, which UTF-8 has no
 * encoding for — Java's encoders (and Netty's) write a {@code ?} in its place, so the value would be stored changed
 * without a word. Nothing here shows the text. Public because the internal query path and protocol encoders share it
 * with the codecs (an exported package imports no internal one); a codec of one's own that writes text may use it too.
 */
public final class SendableText {

    private SendableText() {
    }

    /** The index of the first unpaired UTF-16 surrogate in {@code text}, or -1. */
    public static int unpairedSurrogate(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Why {@code text} cannot be sent, or null when it can. */
    static String whyNot(String text) {
        if (text.indexOf('\0') >= 0) {
            return "text cannot contain the character U+0000";
        }
        if (unpairedSurrogate(text) >= 0) {
            return "text cannot contain an unpaired UTF-16 surrogate, which UTF-8 has no encoding for"
                    + " (it would be sent as '?')";
        }
        return null;
    }

    /**
     * Whether the UTF-8 form of {@code text} takes more than {@code maxBytes} bytes, found without encoding it: its
     * length decides when it can — a char takes one to three bytes (a surrogate pair four for its two chars), so more
     * chars than {@code maxBytes} is too long and a third of it or fewer fits — and only a text in between is counted,
     * up to where it passes {@code maxBytes}. An unpaired surrogate counts as the one byte ({@code ?}) the encoders write
     * for it. Not Netty's {@code ByteBufUtil.utf8Bytes}: its {@code int} count wraps past 2 GB, which a text of fewer
     * chars than a 1 GB limit can reach (three bytes a char), and it counts on past the limit.
     */
    public static boolean utf8LongerThan(CharSequence text, long maxBytes) {
        long chars = text.length();
        if (chars > maxBytes) {
            return true;
        }
        if (chars * 3 <= maxBytes) {
            return false;
        }
        return utf8Bytes(text, maxBytes) > maxBytes;
    }

    /**
     * The bytes of the UTF-8 form of {@code text}, counted in a {@code long} (a text of 2^31 - 1 chars can take 6 GB): a
     * char takes one to three bytes, a surrogate pair four, an unpaired surrogate the one byte ({@code ?}) the encoders
     * write for it — never fewer than Netty's encoder writes.
     */
    public static long utf8Length(CharSequence text) {
        return utf8Bytes(text, Long.MAX_VALUE);
    }

    /**
     * Writes the UTF-8 form of {@code text} to {@code out} (as {@code out.writeCharSequence(text, UTF_8)} does), growing
     * {@code out} by no more than that form takes: Netty's {@code writeCharSequence} and {@code ByteBufUtil.writeUtf8}
     * reserve three bytes a char first — a 300M-char JSON text grew the buffer to 900 MB, and past 715M chars the
     * reservation wraps and the write fails — so a text whose three bytes a char do not fit the room {@code out} has
     * already is counted first ({@link #utf8Length}) and exactly that much reserved. Returns the bytes written. A text
     * whose UTF-8 form does not fit what {@code out} may still grow by is an {@link IndexOutOfBoundsException}, as
     * Netty's own writes throw, before anything is written. For a codec's {@code encode}.
     */
    public static int writeUtf8(ByteBuf out, CharSequence text) {
        long most = 3L * text.length();
        if (most <= out.writableBytes()) {
            return ByteBufUtil.reserveAndWriteUtf8(out, text, (int) most); // the room is there: nothing is allocated
        }
        long bytes = utf8Length(text);
        if (bytes > out.maxWritableBytes()) {
            throw new IndexOutOfBoundsException("a text of " + bytes + " bytes in UTF-8 does not fit the buffer ("
                    + out.maxWritableBytes() + " bytes writable at most)");
        }
        return ByteBufUtil.reserveAndWriteUtf8(out, text, (int) bytes);
    }

    /** The UTF-8 bytes of {@code text}, counted until they pass {@code stopPast} (then a count past it). */
    private static long utf8Bytes(CharSequence text, long stopPast) {
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes++;
            }
            if (bytes > stopPast) {
                return bytes;
            }
        }
        return bytes;
    }
}
