package io.pgconn.codec;

/**
 * Whether a Java string can travel as PostgreSQL text on a UTF8 connection. Two kinds of char cannot: U+0000,
 * which no PostgreSQL text holds (the server refuses it with an encoding error that quotes the bytes), and an
 * unpaired UTF-16 surrogate, which UTF-8 has no encoding for — Java's encoders (and Netty's) write a {@code ?}
 * in its place, so the value would be stored changed without a word. The reason never shows the value.
 */
final class SendableText {

    private SendableText() {
    }

    /** Why {@code text} cannot be sent, or null when it can. */
    static String whyNot(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "text cannot contain the character U+0000";
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "text cannot contain an unpaired UTF-16 surrogate, which UTF-8 has no encoding for"
                            + " (it would be sent as '?')";
                }
            }
        }
        return null;
    }
}
