package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Encoder#knownLongerThan}: what the query path asks, with what is left of a Bind's 1 GB, before it encodes a
 * parameter. Until session 23 only text, json and bytea values answered; an array or an hstore map was encoded whole
 * (a 3 GB array built in memory) before the Bind's count refused it. The values here are large only logically: the same
 * String by reference, a List that only reports its size.
 */
class EncoderKnownLongerThanTest {

    private static final CodecRegistry REGISTRY = CodecRegistry.defaults().bind(Map.of("hstore", 16_385));
    private static final long GB = 1L << 30;
    private static final String MB_OF_TEXT = "x".repeat(1 << 20);

    /** 1,100 references to one 1 MB String: a text[] of 1.1 GB, known to pass 1 GB while next to nothing is allocated. */
    @Test
    void anArrayOfTextsIsJudgedFromItsElementsLengthsWithoutEncodingThem() {
        List<String> over = Collections.nCopies(1_100, MB_OF_TEXT);
        List<String> under = Collections.nCopies(1_000, MB_OF_TEXT); // 1,000 MB and the length words: under 1 GB
        Object[] overArray = over.toArray();
        Encoder encoder = REGISTRY.encoder(over);
        boolean[] known = new boolean[3];
        long allocated = allocatedBy(() -> {
            known[0] = encoder.knownLongerThan(over, GB);
            known[1] = encoder.knownLongerThan(under, GB);
            known[2] = REGISTRY.encoder(overArray).knownLongerThan(overArray, GB);
        });
        assertThat(known).containsExactly(true, false, true);
        assertThat(allocated).as("bytes allocated judging them").isLessThan(1 << 20);
    }

    /** A List of 2^31 - 1 ints (17 GB in array_send's form): its length words alone pass 1 GB, no element is read past the first. */
    @Test
    void anArrayWhoseLengthAlonePassesTheLimitIsJudgedFromItsSize() {
        ReportedList huge = new ReportedList(Integer.MAX_VALUE, 7);
        Encoder encoder = REGISTRY.encoder(huge);
        huge.read = 0;
        assertThat(encoder.knownLongerThan(huge, GB)).isTrue();
        assertThat(huge.read).as("elements read").isZero();
    }

    /**
     * The bound is what the elements take at least, so a value that fits is never refused: it never passes the bytes
     * really written, and for fixed-size elements it is those bytes exactly (one byte less is known to be too little).
     */
    @Test
    void theBoundNeverPassesTheBytesWritten() {
        List<Object> exact = List.of(new int[] {1, 2, 3}, new double[] {1.5, 2.5}, Arrays.asList(1, null, 3),
                List.of(UUID.randomUUID(), UUID.randomUUID()), new boolean[] {true}, 42, 7L, true);
        for (Object value : exact) {
            Encoder encoder = REGISTRY.encoder(value);
            int written = encoder.encode(value).length;
            assertThat(encoder.knownLongerThan(value, written)).as("%s at its size", value.getClass()).isFalse();
            assertThat(encoder.knownLongerThan(value, written - 1)).as("%s a byte under", value.getClass()).isTrue();
        }
        Map<String, String> store = new LinkedHashMap<>();
        store.put("grüße", "\uD83D\uDE42");
        store.put("k", null);
        List<Object> bounded = List.of(List.of("a", "é", "\uD83D\uDE42"), Arrays.asList("中文", null), store,
                List.of(new byte[] {1, 2}, new byte[0]), List.of(new Json("{\"a\": \"é\"}")), new java.math.BigDecimal("-1234.5678"),
                List.of(new java.math.BigDecimal("1.5")));
        for (Object value : bounded) {
            Encoder encoder = REGISTRY.encoder(value);
            assertThat(encoder.knownLongerThan(value, encoder.encode(value).length)).as("%s", value).isFalse();
        }
    }

    /** An hstore map of 1,100 keys whose values are one 1 MB String: known to pass 1 GB from the keys' and values' lengths. */
    @Test
    void anHstoreMapIsJudgedFromItsKeysAndValues() {
        Map<String, String> over = new LinkedHashMap<>();
        for (int i = 0; i < 1_100; i++) {
            over.put("k" + i, MB_OF_TEXT);
        }
        Encoder encoder = REGISTRY.encoder(over);
        assertThat(encoder.typeName()).isEqualTo("hstore");
        assertThat(encoder.knownLongerThan(over, GB)).isTrue();
        over.keySet().retainAll(new ArrayList<>(over.keySet()).subList(0, 1_000));
        assertThat(encoder.knownLongerThan(over, GB)).isFalse();
    }

    /** A codec of one's own says nothing of its size: its bytes are counted once written (BindLengthLimitTest). */
    @Test
    void aUsersCodecIsNotJudged() {
        Codec<UUID> mine = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.of(91_501, "mine");
            }

            @Override
            public Class<? extends UUID> javaType() {
                return UUID.class;
            }

            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public void encode(UUID value, ByteBuf out) {
                out.writeBytes(new byte[1 << 20]);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                throw new UnsupportedOperationException();
            }
        };
        UUID id = UUID.randomUUID();
        assertThat(CodecRegistry.builder().register(mine).build().encoder(id).knownLongerThan(id, 1)).isFalse();
    }

    /**
     * json text goes out with the buffer grown by its UTF-8 length, not three bytes a char: Netty's writeCharSequence
     * reserves the three first (a 300M-char JSON text briefly took 900 MB). Seen failing before: a 1M-char text grew the
     * buffer to 4 MB (3 MB reserved, rounded up to a power of two).
     */
    @Test
    void aTextIsWrittenGrowingTheBufferByItsUtf8LengthOnly() {
        String text = "x".repeat(1_000_000);
        Map<String, String> store = Map.of("k", text);
        Object[][] cases = {{REGISTRY.encoder(new Json(text)), new Json(text)}, {REGISTRY.encoder(Oids.JSON, text), text},
                {REGISTRY.encoder(Oids.TEXT, text), text}, {REGISTRY.encoder(store), store}};
        for (Object[] c : cases) {
            ByteBuf out = Unpooled.buffer(16);
            try {
                ((Encoder) c[0]).encode(c[1], out);
                assertThat(out.readableBytes()).isBetween(1_000_000, 1_000_016);
                assertThat(out.capacity()).as("%s: the buffer's capacity", c[0]).isLessThan(2_000_000);
            } finally {
                out.release();
            }
        }
    }

    /** The bytes this thread allocates running {@code action} (HotSpot counts them per thread). */
    private static long allocatedBy(Runnable action) {
        try {
            Object threads = ManagementFactory.getThreadMXBean();
            java.lang.reflect.Method bytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            long before = (long) bytes.invoke(threads);
            action.run();
            return (long) bytes.invoke(threads) - before;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this JVM does not count allocated bytes per thread", e);
        }
    }

    /** A List of one Integer {@code size} times that exists only as its size, counting the elements read. */
    private static final class ReportedList extends AbstractList<Integer> {
        private final int size;
        private final Integer value;
        long read;

        ReportedList(int size, Integer value) {
            this.size = size;
            this.value = value;
        }

        @Override
        public Integer get(int index) {
            read++;
            return value;
        }

        @Override
        public int size() {
            return size;
        }
    }
}
