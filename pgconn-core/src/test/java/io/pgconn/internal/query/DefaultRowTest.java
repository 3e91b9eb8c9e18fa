package io.pgconn.internal.query;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgconn.codec.Codec;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Format;
import io.pgconn.codec.Oids;
import io.pgconn.codec.PgConversionException;
import io.pgconn.codec.PgType;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows decode on access: NULLs, ranges, and the same row read by several threads at once. */
class DefaultRowTest {

    private static final int COLUMNS = 12;

    /** Even columns int4, odd ones text; column i holds a value derived from i, the last one NULL. */
    private static Row row(ValueCodecs.RowDecoder[] decoder) {
        List<ColumnMetadata> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < COLUMNS; i++) {
            columns.add(new ColumnMetadata("c" + i, i % 2 == 0 ? Oids.INT4 : Oids.TEXT, -1, (short) -1, 0, (short) 0, (short) 0));
            values.add(i == COLUMNS - 1 ? null : i % 2 == 0 ? Integer.toString(1000 * i + 7) : "value " + "ü".repeat(i));
        }
        RowMetadata metadata = new RowMetadata(columns);
        if (decoder[0] == null) {
            decoder[0] = new RegistryValueCodecs(CodecRegistry.defaults()).rowDecoder(metadata, "db1.example:5432");
        }
        return new DefaultRow(metadata, new DataRow(values), decoder[0]);
    }

    private static void checkAll(Row row) {
        for (int i = 0; i < COLUMNS - 1; i++) {
            if (i % 2 == 0) {
                assertThat(row.get(i, Integer.class)).isEqualTo(1000 * i + 7);
                assertThat(row.get(i, String.class)).isEqualTo(Integer.toString(1000 * i + 7));
            } else {
                assertThat(row.get(i, String.class)).isEqualTo("value " + "ü".repeat(i));
            }
        }
        assertThat(row.get(COLUMNS - 1, String.class)).isNull();
        assertThat(row.isNull(COLUMNS - 1)).isTrue();
    }

    @Test
    void readsEveryColumnInAnyOrderAndNullAsNull() {
        Row row = row(new ValueCodecs.RowDecoder[1]);
        checkAll(row);
        assertThat(row.get(4, Long.class)).isEqualTo(4007L);
        assertThat(row.get(1, String.class)).isEqualTo("value ü");
        assertThatThrownBy(() -> row.get(COLUMNS, String.class)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("column index " + COLUMNS);
        assertThatThrownBy(() -> row.get(-1, String.class)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /**
     * Item 11 of the query-path review: threads that read the same rows at once (a RowSet handed to
     * a parallel consumer) each see every value right; the rows' decoders are shared too.
     */
    @Test
    void rowsReadByManyThreadsAtOnceDecodeEveryValueRight() throws Exception {
        ValueCodecs.RowDecoder[] decoder = new ValueCodecs.RowDecoder[1];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(row(decoder));
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 50; round++) {
                        for (Row row : rows) {
                            checkAll(row);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // an assertion failure in a reader fails here
            }
        } finally {
            pool.shutdownNow();
        }
        checkAll(rows.get(0)); // and the test thread, which claimed none of them
    }

    /** Binary int4 42, int8 2^40, float8 2.5, int2 -7, int4 NULL, text-format int4 "123", binary int8 2^40 (for getInt). */
    private static Row binaryRow(CodecRegistry registry) {
        int[] oids = {Oids.INT4, Oids.INT8, Oids.FLOAT8, Oids.INT2, Oids.INT4, Oids.INT4, Oids.INT8};
        short[] formats = {1, 1, 1, 1, 1, 0, 1};
        List<ColumnMetadata> columns = new ArrayList<>();
        for (int i = 0; i < oids.length; i++) {
            columns.add(new ColumnMetadata("c" + i, oids[i], -1, (short) -1, 0, (short) 0, formats[i]));
        }
        ByteBuf body = Unpooled.buffer();
        body.writeShort(oids.length);
        body.writeInt(4).writeInt(42);
        body.writeInt(8).writeLong(1L << 40);
        body.writeInt(8).writeDouble(2.5);
        body.writeInt(2).writeShort(-7);
        body.writeInt(-1);
        body.writeInt(3).writeBytes("123".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.writeInt(8).writeLong(1L << 40);
        try {
            RowMetadata metadata = new RowMetadata(columns);
            return new DefaultRow(metadata, DataRow.decode(body, "test:5432"), new RegistryValueCodecs(registry).rowDecoder(metadata, "db1.example:5432"));
        } finally {
            body.release();
        }
    }

    @Test
    void primitiveGettersReadWhatTheBoxedOnesReadAndRefuseNull() {
        Row row = binaryRow(CodecRegistry.defaults());
        assertThat(row.getInt(0)).isEqualTo(42).isEqualTo(row.get(0, Integer.class));
        assertThat(row.getLong(0)).isEqualTo(42L);
        assertThat(row.getLong(1)).isEqualTo(1L << 40);
        assertThat(row.getDouble(1)).isEqualTo((double) (1L << 40)); // int8 as double: through the codec
        assertThat(row.getDouble(2)).isEqualTo(2.5);
        assertThat(row.getInt(3)).isEqualTo(-7);
        assertThat(row.getLong(3)).isEqualTo(-7L);
        assertThat(row.getInt(5)).isEqualTo(123); // text format: through the codec
        assertThatThrownBy(() -> row.getInt(4)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("column 4 (\"c4\") is NULL").hasMessageContaining("db1.example:5432")
                .extracting(e -> ((PgConversionException) e).host()).isEqualTo("db1.example:5432");
        assertThatThrownBy(() -> row.getInt(6)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("out of range") // int8 beyond int: the codec's own check
                .hasMessageContaining("column 6 (\"c6\", type OID 20, binary) of a row from db1.example:5432");
        assertThatThrownBy(() -> row.getBoolean(0)).isInstanceOf(PgConversionException.class).hasMessageContaining("db1.example:5432");
        assertThatThrownBy(() -> row.getDouble(4)).isInstanceOf(PgConversionException.class).hasMessageContaining("db1.example:5432");
        assertThatThrownBy(() -> row.getLong(4)).isInstanceOf(PgConversionException.class).hasMessageContaining("db1.example:5432");
        assertThatThrownBy(() -> row.getInt(7)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** A codec the user registered for int4 wins over the direct read. */
    @Test
    void primitiveGettersLeaveAUserCodecInCharge() {
        Codec<Integer> plusOne = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.INT4;
            }

            @Override
            public Class<? extends Integer> javaType() {
                return Integer.class;
            }

            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public void encode(Integer value, ByteBuf out) {
                out.writeInt(value);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                int v = value.getInt(value.readerIndex()) + 1;
                return target == Long.class ? (Object) (long) v : (Object) v;
            }

            @Override
            public boolean decodes(Format format, Class<?> target) {
                return format == Format.BINARY && (target == Integer.class || target == Long.class || target == Object.class);
            }
        };
        Row row = binaryRow(CodecRegistry.builder().register(plusOne).build());
        assertThat(row.getInt(0)).isEqualTo(43);
        assertThat(row.getLong(0)).isEqualTo(43L);
        assertThat(row.getLong(1)).isEqualTo(1L << 40); // int8: still the built-in
    }
    /**
     * Binary bool true, false, NULL and a malformed two-byte one; text-format bool "t"; binary text, varchar, text NULL,
     * text-format text, bpchar (through the codec), binary int4 42: getBoolean and getString read what the codecs read.
     */
    private static Row boolTextRow(CodecRegistry registry) {
        int[] oids = {Oids.BOOL, Oids.BOOL, Oids.BOOL, Oids.BOOL, Oids.BOOL, Oids.TEXT, Oids.VARCHAR, Oids.TEXT, Oids.TEXT,
                Oids.BPCHAR, Oids.INT4};
        short[] formats = {1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1};
        List<ColumnMetadata> columns = new ArrayList<>();
        for (int i = 0; i < oids.length; i++) {
            columns.add(new ColumnMetadata("c" + i, oids[i], -1, (short) -1, 0, (short) 0, formats[i]));
        }
        ByteBuf body = Unpooled.buffer();
        body.writeShort(oids.length);
        body.writeInt(1).writeByte(1);
        body.writeInt(1).writeByte(0);
        body.writeInt(-1);
        body.writeInt(2).writeShort(1);
        body.writeInt(1).writeByte('t');
        for (String text : new String[] {"grüße", "v-ü", null, "text form", "pad  "}) {
            if (text == null) {
                body.writeInt(-1);
            } else {
                byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                body.writeInt(utf8.length).writeBytes(utf8);
            }
        }
        body.writeInt(4).writeInt(42);
        try {
            RowMetadata metadata = new RowMetadata(columns);
            return new DefaultRow(metadata, DataRow.decode(body, "test:5432"), new RegistryValueCodecs(registry).rowDecoder(metadata, "db1.example:5432"));
        } finally {
            body.release();
        }
    }

    @Test
    void booleanAndStringGettersReadWhatTheCodecsRead() {
        Row row = boolTextRow(CodecRegistry.defaults());
        assertThat(row.getBoolean(0)).isTrue().isEqualTo(row.get(0, Boolean.class));
        assertThat(row.getBoolean(1)).isFalse().isEqualTo(row.get(1, Boolean.class));
        assertThatThrownBy(() -> row.getBoolean(2)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("column 2 (\"c2\") is NULL").hasMessageContaining("db1.example:5432");
        // a length a bool never has: the codec's refusal, located, never a byte read as the answer
        assertThatThrownBy(() -> row.getBoolean(3)).isInstanceOf(io.pgconn.PgProtocolException.class)
                .hasMessageContaining("column 3 (\"c3\", type OID 16, binary) of a row from db1.example:5432");
        assertThat(row.getBoolean(4)).isTrue(); // text format: through the codec
        assertThat(row.getString(5)).isEqualTo("grüße").isEqualTo(row.get(5, String.class));
        assertThat(row.getString(6)).isEqualTo("v-ü").isEqualTo(row.get(6, String.class));
        assertThat(row.getString(7)).isNull();
        assertThat(row.getString(8)).isEqualTo("text form");
        assertThat(row.getString(9)).isEqualTo("pad  ").isEqualTo(row.get(9, String.class));
        assertThat(row.getString(10)).isEqualTo("42"); // int4 as text: through the codec
        assertThat(row.getString("c5")).isEqualTo("grüße");
        assertThatThrownBy(() -> row.getString(11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> row.getBoolean(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** A codec the user registered for text or bool wins over the direct read. */
    @Test
    void booleanAndStringGettersLeaveAUserCodecInCharge() {
        Codec<String> shouting = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.TEXT;
            }

            @Override
            public Class<? extends String> javaType() {
                return String.class;
            }

            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public void encode(String value, ByteBuf out) {
                out.writeCharSequence(value, java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                return value.toString(java.nio.charset.StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
            }

            @Override
            public boolean decodes(Format format, Class<?> target) {
                return target == String.class || target == Object.class;
            }
        };
        Codec<Boolean> inverted = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.BOOL;
            }

            @Override
            public Class<? extends Boolean> javaType() {
                return Boolean.class;
            }

            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public void encode(Boolean value, ByteBuf out) {
                out.writeByte(value ? 0 : 1);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                return value.getByte(value.readerIndex()) == 0;
            }

            @Override
            public boolean decodes(Format format, Class<?> target) {
                return format == Format.BINARY && (target == Boolean.class || target == Object.class);
            }
        };
        Row row = boolTextRow(CodecRegistry.builder().register(shouting).register(inverted).build());
        assertThat(row.getString(5)).isEqualTo("GRÜSSE");
        assertThat(row.getString(6)).isEqualTo("v-ü"); // varchar: still the built-in
        assertThat(row.getBoolean(0)).isFalse();
        assertThat(row.getBoolean(1)).isTrue();
    }

    /**
     * Binary columns that codecs read from the row's array (numeric, non-ASCII text, date, timestamptz,
     * uuid, bool) next to ones read through the row's buffer view (interval, int4[]), each value between
     * others in the one array: every thread reads every value right, whichever path it takes.
     */
    @Test
    void arrayAndBufferReadColumnsOfOneRowReadRightByManyThreads() throws Exception {
        int[] oids = {Oids.NUMERIC, Oids.TEXT, Oids.DATE, Oids.TIMESTAMPTZ, Oids.UUID, Oids.BOOL, Oids.INTERVAL, Oids.INT4_ARRAY};
        List<ColumnMetadata> columns = new ArrayList<>();
        for (int i = 0; i < oids.length; i++) {
            columns.add(new ColumnMetadata("c" + i, oids[i], -1, (short) -1, 0, (short) 0, (short) 1));
        }
        RowMetadata metadata = new RowMetadata(columns);
        CodecRegistry registry = CodecRegistry.defaults();
        java.math.BigDecimal amount = new java.math.BigDecimal("-12345678.9012");
        String text = "Grüße, 水, \uD83D\uDE42";
        java.time.LocalDate leapDay = java.time.LocalDate.of(2024, 2, 29);
        java.time.OffsetDateTime bc = java.time.OffsetDateTime.of(-44, 3, 15, 12, 0, 0, 123_456_000, java.time.ZoneOffset.UTC);
        java.util.UUID uuid = java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        io.pgconn.codec.PgInterval interval = new io.pgconn.codec.PgInterval(1, 2, 3_000_000L);
        Object[] values = {amount, text, leapDay, bc, uuid, true, interval, new int[] {1, -2, 3}};
        ByteBuf body = Unpooled.buffer();
        body.writeShort(oids.length);
        for (int i = 0; i < oids.length; i++) {
            ByteBuf value = Unpooled.buffer();
            registry.encoder(oids[i], values[i]).encode(values[i], value);
            body.writeInt(value.readableBytes()).writeBytes(value);
            value.release();
        }
        Row row;
        try {
            row = new DefaultRow(metadata, DataRow.decode(body, "test:5432"), new RegistryValueCodecs(registry).rowDecoder(metadata, "db1.example:5432"));
        } finally {
            body.release();
        }
        Runnable check = () -> {
            assertThat(row.get(0, java.math.BigDecimal.class)).isEqualTo(amount);
            assertThat(row.getString(1)).isEqualTo(text);
            assertThat(row.get(2, java.time.LocalDate.class)).isEqualTo(leapDay);
            assertThat(row.get(3, java.time.OffsetDateTime.class)).isEqualTo(bc);
            assertThat(row.get(4, java.util.UUID.class)).isEqualTo(uuid);
            assertThat(row.getBoolean(5)).isTrue();
            assertThat(row.get(6, io.pgconn.codec.PgInterval.class)).isEqualTo(interval);
            assertThat(row.get(7, int[].class)).containsExactly(1, -2, 3);
        };
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 2000; round++) {
                        check.run();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        check.run();
    }
}
