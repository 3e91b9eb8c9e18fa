package io.pgconn.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one scan of a text pgconn sends as UTF-8 (session 22: the surrogate scan was written twice, in this class and in
 * the protocol's Utf8Text): where an unpaired surrogate is, and whether the UTF-8 form passes a length — decided from
 * the length when it can, counted otherwise, without encoding the text.
 */
class SendableTextTest {

    @Test
    void findsTheFirstUnpairedSurrogateAndPassesPairs() {
        assertThat(SendableText.unpairedSurrogate("plain")).isEqualTo(-1);
        assertThat(SendableText.unpairedSurrogate("smile \uD83D\uDE00")).isEqualTo(-1);
        assertThat(SendableText.unpairedSurrogate("a\uD800b")).isEqualTo(1);
        assertThat(SendableText.unpairedSurrogate("ab\uDC00")).isEqualTo(2);
        assertThat(SendableText.unpairedSurrogate("\uD83D\uDE00\uD83D")).as("a high surrogate at the end").isEqualTo(2);
        assertThat(SendableText.whyNot("a\0b")).contains("U+0000");
        assertThat(SendableText.whyNot("a\uDC00b")).contains("unpaired UTF-16 surrogate");
        assertThat(SendableText.whyNot("ok \uD83D\uDE00")).isNull();
    }

    /** Exactly at the limit fits, one byte more does not: for one-, two-, three- and four-byte forms and a lone surrogate. */
    @Test
    void aTextBetweenItsBoundsIsCountedExactly() {
        for (String text : new String[] {"abc", "é".repeat(7), "中".repeat(5) + "x", "\uD83D\uDE00".repeat(3) + "é", "a\uD800b"}) {
            int utf8 = text.getBytes(StandardCharsets.UTF_8).length; // the JDK's encoder: what is sent ('?' for a lone surrogate)
            assertThat(SendableText.utf8LongerThan(text, utf8)).as(text).isFalse();
            assertThat(SendableText.utf8LongerThan(text, utf8 - 1)).as(text).isTrue();
        }
    }

    /**
     * The length alone decides a text of more chars than the limit (at least a byte each), and one of a third of it or
     * fewer: no char is read, so a text of 2^31 - 1 chars is judged at once.
     */
    @Test
    void theLengthDecidesWithoutReadingAChar() {
        CharSequence unreadable = new Reported(Integer.MAX_VALUE, (char) 0) {
            @Override
            public char charAt(int index) {
                throw new AssertionError("read char " + index);
            }
        };
        assertThat(SendableText.utf8LongerThan(unreadable, (1L << 30) - 2)).isTrue();
        assertThat(SendableText.utf8LongerThan(unreadable, 3L * Integer.MAX_VALUE)).isFalse();
    }

    /**
     * 800 million three-byte chars are 2.4 GB: a count in an int (Netty's ByteBufUtil.utf8Bytes) wraps past 2^31 and
     * would say such a text fits; this one counts in a long and stops where it passes the limit.
     */
    @Test
    void aCountPastTwoGigabytesDoesNotWrap() {
        Reported text = new Reported(800_000_000, '中');
        assertThat(SendableText.utf8LongerThan(text, 2_300_000_000L)).isTrue();
        assertThat(text.read).as("stopped just past the limit").isLessThan(767_000_000L);
    }

    /**
     * {@link SendableText#writeUtf8} reserves no less than Netty's encoder writes, which it then writes unchecked: also
     * for unpaired surrogates (Netty writes '?' and, after a lone high surrogate, the next char as one byte). Into a
     * buffer that may hold only {@link SendableText#utf8Length} bytes (the counted way) and into one with room for three
     * bytes a char (the direct way), a valid text as the JDK encodes it.
     */
    @Test
    void writeUtf8ReservesAtLeastWhatItWrites() {
        for (String text : new String[] {"abc", "é中\uD83D\uDE00", "\uD800a", "\uD800\uD800", "a\uDC00", "\uD800é中", "x\uD800"}) {
            int length = (int) SendableText.utf8Length(text);
            for (io.netty.buffer.ByteBuf out : new io.netty.buffer.ByteBuf[] {io.netty.buffer.Unpooled.buffer(0, length),
                    io.netty.buffer.Unpooled.buffer(3 * text.length())}) {
                try {
                    int written = SendableText.writeUtf8(out, text);
                    assertThat(written).as(text).isEqualTo(out.writerIndex()).isLessThanOrEqualTo(length);
                    if (SendableText.unpairedSurrogate(text) < 0) {
                        assertThat(io.netty.buffer.ByteBufUtil.getBytes(out)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
                    }
                } finally {
                    out.release();
                }
            }
        }
    }

    /** A text of {@code length} copies of one char that exists only as a length: no memory behind it. */
    private static class Reported implements CharSequence {
        private final int length;
        private final char c;
        long read;

        Reported(int length, char c) {
            this.length = length;
            this.c = c;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            read++;
            return c;
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new UnsupportedOperationException();
        }
    }
}
