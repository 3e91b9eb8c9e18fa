package io.pgconn.codec;

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
        long bytes = 0;
        for (int i = 0, n = (int) chars; i < n; i++) {
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
            if (bytes > maxBytes) {
                return true;
            }
        }
        return false;
    }
}
