package io.pgconn.internal.protocol.frontend;

/**
 * Where a string the protocol carries as UTF-8 cannot be encoded: an unpaired UTF-16 surrogate, which Java's
 * encoders (and Netty's) replace with {@code ?} without a word, so a query text would run changed.
 */
public final class Utf8Text {

    private Utf8Text() {
    }

    /** The index of the first unpaired surrogate in {@code text}, or -1. */
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
}
