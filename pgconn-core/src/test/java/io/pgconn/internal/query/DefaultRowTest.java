package io.pgconn.internal.query;

import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Oids;
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
            decoder[0] = new RegistryValueCodecs(CodecRegistry.defaults()).rowDecoder(metadata);
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
}
