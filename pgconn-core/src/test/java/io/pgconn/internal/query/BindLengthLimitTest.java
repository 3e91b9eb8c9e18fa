package io.pgconn.internal.query;

import io.netty.buffer.ByteBuf;
import io.pgconn.codec.Codec;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Format;
import io.pgconn.codec.Json;
import io.pgconn.codec.Oids;
import io.pgconn.codec.PgConversionException;
import io.pgconn.codec.PgType;
import io.pgconn.internal.protocol.frontend.Bind;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parameters whose Bind would pass PostgreSQL's message limit (1 GB; a smaller one here) are refused at the parameter
 * that passes it, before the later ones are encoded: the backend closes the session without a word on a longer
 * message (session 21). A text or bytea value is refused before it is encoded at all (session 22).
 */
class BindLengthLimitTest {

    @Test
    void aSetWhoseBindPassesTheLimitIsRefusedAtTheParameterThatPassesIt() {
        Object[] set = {"a".repeat(100), null, "b".repeat(100), "c".repeat(100)};
        long limit = Bind.framing(4) + 250;
        assertThatThrownBy(() -> DefaultPgStatement.encode("db1:5432", TextValueCodecs.INSTANCE, set, 4, new int[4], limit))
                .isInstanceOf(PgConversionException.class)
                .hasMessageContaining("parameter $4 (index 3, untyped text) was not sent to db1:5432")
                .hasMessageContaining("more than PostgreSQL reads in one message (1 GB)")
                .hasMessageNotContaining("ccc");
        BoundParams under = DefaultPgStatement.encode("db1:5432", TextValueCodecs.INSTANCE, set, 4, new int[4], limit + 100);
        assertThat(under.values()[3]).hasSize(100);
    }

    private static final ValueCodecs CODECS = new RegistryValueCodecs(CodecRegistry.defaults());
    private static final int MB = 1 << 20;

    /**
     * A String (untyped, as text, as json/jsonb) or a bytea value whose bytes would take the Bind past the limit is
     * refused without being encoded: this thread allocates next to nothing for it. Until session 22 its UTF-8 form was
     * made first (a String over 1 GB cost its whole encoding, up to three bytes a char for the JDK's encoder, before the
     * count refused it), and a bytea value was copied.
     */
    @Test
    void aTextOrByteaValuePastTheLimitIsRefusedBeforeItIsEncoded() {
        String ascii = "x".repeat(24 * MB);
        String twoByte = "é".repeat(6 * MB); // 12 MB of UTF-8 in 6 M chars: between what its length alone decides
        long limit = Bind.framing(2) + 1 + 10 * MB;
        Object[][] sets = {{1, ascii}, {1, twoByte}, {1, new Json(ascii)}, {1, new byte[24 * MB]}};
        int[][] types = {{0, 0}, {0, Oids.VARCHAR}, {0, 0}, {0, 0}}; // varchar: the text codec, not the untyped String's way
        String[] typeNames = {"untyped text", "varchar", "jsonb", "bytea"};
        for (int s = 0; s < sets.length; s++) {
            Object[] set = sets[s];
            int[] typeOids = types[s];
            RuntimeException[] refused = new RuntimeException[1];
            long allocated = allocatedBy(() -> {
                try {
                    DefaultPgStatement.encode("db1:5432", CODECS, set, 2, typeOids, limit);
                } catch (RuntimeException e) {
                    refused[0] = e;
                }
            });
            assertThat(refused[0]).as("set " + s).isInstanceOf(PgConversionException.class)
                    .hasMessage("parameter $2 (index 1, " + typeNames[s] + ") was not sent to db1:5432: with it the Bind message takes over " + limit
                            + " bytes, more than PostgreSQL reads in one message (1 GB); nothing of the statement was sent");
            assertThat(allocated).as("bytes allocated refusing set " + s).isLessThan(MB);
        }
        // under the limit, the same values are sent whole
        BoundParams fits = DefaultPgStatement.encode("db1:5432", CODECS, new Object[] {1, twoByte}, 2, new int[2], limit + 4 * MB);
        assertThat(new String(fits.values()[1], StandardCharsets.UTF_8)).isEqualTo(twoByte);
        assertThat(DefaultPgStatement.encode("db1:5432", CODECS, new Object[] {new Json(ascii)}, 1, new int[1],
                Bind.framing(1) + 24 * MB + 1).values()[0]).hasSize(24 * MB + 1); // jsonb's version byte
    }

    /**
     * An array whose elements take the Bind past the limit is refused before it is encoded — until session 23 it was
     * built whole first (a 3 GB array in memory) — and a codec of one's own, which cannot say its size, is counted once
     * it wrote its bytes. Both refusals name the parameter, its type and the host, never the value. Seen failing before:
     * the array's 24 MB were made, and the messages did not name the type.
     */
    @Test
    void anArrayPastTheLimitIsRefusedBeforeItIsEncodedAndAUsersValueOnceItsBytesAreMade() {
        List<String> texts = Collections.nCopies(24, "s".repeat(MB)); // 24 MB of text, one String by reference
        long limit = Bind.framing(2) + 4 + 10 * MB;
        RuntimeException[] refused = new RuntimeException[1];
        long allocated = allocatedBy(() -> {
            try {
                DefaultPgStatement.encode("db1:5432", CODECS, new Object[] {1, texts}, 2, new int[2], limit);
            } catch (RuntimeException e) {
                refused[0] = e;
            }
        });
        assertThat(refused[0]).isInstanceOf(PgConversionException.class)
                .hasMessage("parameter $2 (index 1, " + CodecRegistry.defaults().typeName(Oids.TEXT_ARRAY) + ") was not sent to"
                        + " db1:5432: with it the Bind message takes over " + limit + " bytes, more than PostgreSQL reads in one"
                        + " message (1 GB); nothing of the statement was sent");
        assertThat(allocated).as("bytes allocated refusing it").isLessThan(MB);

        ValueCodecs mine = new RegistryValueCodecs(CodecRegistry.builder().register(new MegabyteCodec()).build());
        assertThatThrownBy(() -> DefaultPgStatement.encode("db1:5432", mine, new Object[] {new Megabyte()}, 1, new int[1],
                Bind.framing(1) + MB / 2))
                .isInstanceOf(PgConversionException.class)
                .hasMessageStartingWith("parameter $1 (index 0, megabyte) was not sent to db1:5432: with it the Bind message"
                        + " takes over ");
    }

    /** A value of a codec of one's own. */
    record Megabyte() {
    }

    /** Writes a megabyte of zeros for a {@link Megabyte}, and cannot say so before. */
    static final class MegabyteCodec implements Codec<Megabyte> {
        @Override
        public PgType type() {
            return PgType.of(91_502, "megabyte");
        }

        @Override
        public Class<Megabyte> javaType() {
            return Megabyte.class;
        }

        @Override
        public Format format() {
            return Format.BINARY;
        }

        @Override
        public void encode(Megabyte value, ByteBuf out) {
            out.writeZero(MB);
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            throw new UnsupportedOperationException();
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
}
