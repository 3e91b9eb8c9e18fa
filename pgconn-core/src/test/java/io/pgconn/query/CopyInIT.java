package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * COPY ... FROM STDIN through {@code PgConnection.copyIn} against a real server (docs/query.md §6): 100,000 rows in
 * the text, CSV and binary formats; a bad row, a publisher's error and the caller's cancel fail that copy only and
 * leave the connection usable (the server rolls the COPY back); inside a transaction the COPY is part of it; requests
 * made during a copy run after it, in order; the publisher is asked only a bounded number of chunks ahead; an input
 * stream's chunk arrays are reused, so the caller's heap churn does not grow with the stream.
 */
class CopyInIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static PgConnection connect(String table) {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        await(c.simpleQuery("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int, name text)"));
        return c;
    }

    private static long count(PgConnection c, String table) {
        return await(c.query("SELECT count(*) FROM " + table)).single(Long.class);
    }

    @Test
    void aHundredThousandTextRowsAreCopiedInAndCounted() {
        PgConnection c = connect("copy_text");
        try {
            CopyChunks data = CopyChunks.textRows(100_000, 1_000);
            assertThat(await(c.copyIn("COPY copy_text (id, name) FROM STDIN", data))).isEqualTo(100_000L);
            assertThat(count(c, "copy_text")).isEqualTo(100_000L);
            assertThat(await(c.query("SELECT sum(id) FROM copy_text")).single(Long.class)).isEqualTo(100_000L * 100_001 / 2);
            assertThat(await(c.query("SELECT name FROM copy_text WHERE id = $1", 77_777)).single(String.class)).isEqualTo("name-77777");
            assertThat(data.maxAhead.get()).as("chunks asked for ahead of those written").isLessThanOrEqualTo(16);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aHundredThousandCsvRowsWithQuotesCommasAndNewlinesInFieldsAreCopiedIn() {
        PgConnection c = connect("copy_csv");
        try {
            CopyChunks data = new CopyChunks(100, chunk -> {
                StringBuilder csv = new StringBuilder();
                for (int i = chunk * 1_000 + 1; i <= (chunk + 1) * 1_000; i++) {
                    csv.append(i).append(",\"a, \"\"quoted\"\"\nline ").append(i).append("\"\n");
                }
                return csv.toString().getBytes(StandardCharsets.UTF_8);
            });
            assertThat(await(c.copyIn("COPY copy_csv FROM STDIN (FORMAT csv)", data))).isEqualTo(100_000L);
            assertThat(count(c, "copy_csv")).isEqualTo(100_000L);
            assertThat(await(c.query("SELECT name FROM copy_csv WHERE id = 4242")).single(String.class))
                    .isEqualTo("a, \"quoted\"\nline 4242");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aHundredThousandBinaryRowsSplitAtArbitraryBytesAreCopiedIn() {
        PgConnection c = connect("copy_bin");
        try {
            ByteArrayOutputStream binary = new ByteArrayOutputStream();
            binary.writeBytes(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
            binary.writeBytes(ByteBuffer.allocate(8).putInt(0).putInt(0).array()); // flags, header extension
            for (int i = 1; i <= 100_000; i++) {
                byte[] name = ("bin-" + i).getBytes(StandardCharsets.UTF_8);
                binary.writeBytes(ByteBuffer.allocate(2 + 4 + 4 + 4 + name.length)
                        .putShort((short) 2).putInt(4).putInt(i).putInt(name.length).put(name).array());
            }
            binary.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF}); // trailer
            byte[] all = binary.toByteArray();
            int piece = 7_919; // chunks need not end where rows do
            CopyChunks data = new CopyChunks((all.length + piece - 1) / piece,
                    i -> java.util.Arrays.copyOfRange(all, i * piece, Math.min(all.length, (i + 1) * piece)));
            assertThat(await(c.copyIn("COPY copy_bin FROM STDIN (FORMAT binary)", data))).isEqualTo(100_000L);
            assertThat(count(c, "copy_bin")).isEqualTo(100_000L);
            assertThat(await(c.query("SELECT name FROM copy_bin WHERE id = 99999")).single(String.class)).isEqualTo("bin-99999");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aBadRowFailsOnlyThatCopyWhichIsRolledBackAndTheConnectionGoesOn() {
        PgConnection c = connect("copy_bad");
        try {
            CopyChunks data = new CopyChunks(10_000_000, chunk -> (chunk == 50 ? "not-a-number\tx\n" : (chunk + "\tok\n"))
                    .getBytes(StandardCharsets.UTF_8));
            CompletableFuture<Long> copy = c.copyIn("COPY copy_bad FROM STDIN", data);
            CompletableFuture<RowSet> after = c.query("SELECT $1::int", 7); // waits for the copy's end
            Throwable error = failure(copy);
            assertThat(error).isInstanceOf(PgServerException.class);
            assertThat(((PgException) error).sqlState()).contains("22P02");
            assertThat(await(after).single(Integer.class)).isEqualTo(7);
            assertThat(count(c, "copy_bad")).isZero();
            assertThat(data.cancelled.get()).as("the publisher cancelled after the server's error").isTrue();
            assertThat(data.emitted.get()).isLessThan(10_000_000);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aPublisherErrorFailsTheCopyWithItAsTheCauseAndNoneOfItsMessage() {
        PgConnection c = connect("copy_perr");
        try {
            IOException disk = new IOException("secret row 42 could not be read");
            CopyChunks data = CopyChunks.textRows(10_000, 100).failingAt(30, disk);
            Throwable error = failure(c.copyIn("COPY copy_perr FROM STDIN", data));
            assertThat(error).isInstanceOf(PgException.class).hasCause(disk)
                    .hasMessageContaining("data publisher signalled java.io.IOException")
                    .hasMessageContaining(PG.primary().port() + "")
                    .hasMessageNotContaining("secret");
            assertThat(count(c, "copy_perr")).as("rolled back").isZero();
            assertThat(await(c.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingTheFutureMidCopyFailsTheCopyAndTheConnectionGoesOn() {
        PgConnection c = connect("copy_cancel");
        try {
            CopyChunks endless = CopyChunks.textRows(1_000_000_000, 100); // never ends by itself
            CompletableFuture<Long> copy = c.copyIn("COPY copy_cancel FROM STDIN", endless);
            awaitCondition("some chunks written", () -> endless.emitted.get() > 50);
            assertThat(copy.cancel(false)).isTrue();
            assertThatThrownBy(copy::join).isInstanceOf(CancellationException.class);
            assertThat(count(c, "copy_cancel")).as("rolled back").isZero();
            assertThat(endless.cancelled.get()).isTrue();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aCopyInsideATransactionIsPartOfItAndRolledBackWithIt() {
        PgConnection c = connect("copy_tx");
        try {
            await(c.begin());
            assertThat(await(c.copyIn("COPY copy_tx FROM STDIN", CopyChunks.textRows(1_000, 100)))).isEqualTo(1_000L);
            assertThat(count(c, "copy_tx")).isEqualTo(1_000L);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
            await(c.rollback());
            assertThat(count(c, "copy_tx")).isZero();

            await(c.begin());
            Throwable bad = failure(c.copyIn("COPY copy_tx FROM STDIN", "x\ty\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(bad).isInstanceOf(PgServerException.class);
            assertThat(c.transactionStatus()).as("a failed COPY fails the transaction").isEqualTo(TransactionStatus.FAILED);
            await(c.rollback());
            assertThat(count(c, "copy_tx")).isZero();
        } finally {
            await(c.close());
        }
    }

    @Test
    void requestsMadeDuringACopyRunAfterItInOrder() {
        PgConnection c = connect("copy_order");
        try {
            CountDownLatch release = new CountDownLatch(1);
            CopyChunks held = CopyChunks.textRows(100, 10).heldUntil(release);
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Long> copy = c.copyIn("COPY copy_order FROM STDIN", held)
                    .whenComplete((r, e) -> order.add("copy"));
            CompletableFuture<RowSet> insert = c.query("INSERT INTO copy_order VALUES ($1, 'after')", 1_000)
                    .whenComplete((r, e) -> order.add("insert"));
            CompletableFuture<RowSet> counted = c.query("SELECT count(*) FROM copy_order")
                    .whenComplete((r, e) -> order.add("count"));
            CompletableFuture<io.pgconn.QueryResult> simple = c.simpleQuery("SELECT max(id) FROM copy_order")
                    .whenComplete((r, e) -> order.add("simple"));
            awaitCondition("the publisher was subscribed", () -> held.subscriptions.get() == 1);
            assertThat(insert).isNotDone();
            release.countDown();
            assertThat(await(copy)).isEqualTo(100L);
            assertThat(await(counted).single(Long.class)).isEqualTo(101L);
            assertThat(await(simple).singleValue()).isEqualTo("1000");
            assertThat(order).containsExactly("copy", "insert", "count", "simple");
        } finally {
            await(c.close());
        }
    }

    @Test
    void anInputStreamIsCopiedInOnTheCallersThreadAndItsIOExceptionThrownAsIs() throws Exception {
        PgConnection c = connect("copy_stream");
        try {
            StringBuilder rows = new StringBuilder();
            for (int i = 1; i <= 100_000; i++) {
                rows.append(i).append('\t').append("s").append(i).append('\n');
            }
            byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(PgCopyStreams.copyIn(c, "COPY copy_stream FROM STDIN", new ByteArrayInputStream(bytes))).isEqualTo(100_000L);
            assertThat(count(c, "copy_stream")).isEqualTo(100_000L);

            IOException broken = new IOException("the disk went away");
            InputStream failing = new InputStream() {
                private int reads;

                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (reads++ == 3) {
                        throw broken;
                    }
                    byte[] row = ("1" + reads + "\tx\n").getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(row, 0, b, off, row.length);
                    return row.length;
                }
            };
            assertThatThrownBy(() -> PgCopyStreams.copyIn(c, "COPY copy_stream FROM STDIN", failing)).isSameAs(broken);
            assertThat(count(c, "copy_stream")).as("the failed copy rolled back").isEqualTo(100_000L);
        } finally {
            await(c.close());
        }
    }

    /**
     * NEW-USER-25 F3: a bad value or a short line among the data named neither its line nor its column, and showed the
     * value itself. The message now names the place (psql's CONTEXT, cut before the data) and cuts the value, as for a
     * statement's parameters; the raw fields keep everything.
     */
    @Test
    void aRejectedLineIsNamedByNumberAndColumnWithoutItsData() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("DROP TABLE IF EXISTS copy_where; CREATE TABLE copy_where (id int, name text, qty int, note text)"));
            byte[] badValue = "1,a,5,x\n2,b,TOPSECRET-abc,y\n3,c,7,z\n".getBytes(StandardCharsets.UTF_8);
            Throwable failure = failure(c.copyIn("COPY copy_where FROM STDIN (FORMAT csv)", new CopyChunks(1, i -> badValue)));
            assertThat(failure).isInstanceOf(PgServerException.class);
            assertThat(failure.getMessage()).contains("(SQLSTATE 22P02)").endsWith("\nCONTEXT: COPY copy_where, line 2, column qty")
                    .doesNotContain("TOPSECRET");
            assertThat(((PgServerException) failure).serverFields().where()).contains("TOPSECRET-abc");

            byte[] shortLine = "1,a,5,x\n2,b,6\n".getBytes(StandardCharsets.UTF_8);
            failure = failure(c.copyIn("COPY copy_where FROM STDIN (FORMAT csv)", new CopyChunks(1, i -> shortLine)));
            assertThat(failure.getMessage()).contains("(SQLSTATE 22P04)").endsWith("\nCONTEXT: COPY copy_where, line 2")
                    .doesNotContain("2,b,6");
            assertThat(count(c, "copy_where")).isZero();
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementThatIsNoCopyFromStdinFailsWithWhatTheServerStartedAndTheConnectionGoesOn() {
        PgConnection c = connect("copy_wrong");
        try {
            byte[] row = "1\tx\n".getBytes(StandardCharsets.UTF_8);
            assertThat(failure(c.copyIn("SELECT 1", row))).isInstanceOf(PgException.class)
                    .hasMessageContaining("copyIn").hasMessageContaining("no COPY");
            assertThat(failure(c.copyIn("COPY (SELECT g FROM generate_series(1, 5000) g) TO STDOUT", row)))
                    .isInstanceOf(PgException.class).hasMessageContaining("started COPY TO STDOUT");
            assertThat(failure(c.copyIn("COPY copy_wrong FROM STDIN; SELECT 1", row)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 statements");
            assertThat(failure(c.copyIn("COPY no_such_table FROM STDIN", row))).isInstanceOf(PgServerException.class)
                    .hasMessageContaining("42P01");
            assertThat(await(c.copyIn("COPY copy_wrong FROM STDIN", row))).isEqualTo(1L);
        } finally {
            await(c.close());
        }
    }

    /**
     * NEW-USER-25 F4: {@code PgCopyStreams.copyIn} allocated a fresh 64-KiB array per chunk, its stream's size in all
     * (24 MB here; 43 MB of heap peak for a 49.5 MB file). It now reuses the arrays the connection hands back
     * ({@link CopyInPublisher}): the caller's thread allocates about the 16 chunks in flight. Every row arrives as it
     * was read, so no array was filled again before the connection had copied it.
     */
    @Test
    void anInputStreamsChunkArraysAreReusedSoTheCallersHeapChurnDoesNotGrowWithTheStream() throws Exception {
        PgConnection c = connect("copy_reuse");
        try {
            int n = 1_200_000;
            GeneratedRows rows = new GeneratedRows(n);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            long copied = PgCopyStreams.copyIn(c, "COPY copy_reuse (id, name) FROM STDIN", rows);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(copied).isEqualTo(n);
            assertThat(rows.bytes).isGreaterThan(20L << 20);
            assertThat(allocated).as("bytes the caller's thread allocated for a %,d-byte stream", rows.bytes)
                    .isLessThan(4L << 20);
            assertThat(await(c.query("SELECT count(*) FROM copy_reuse WHERE name <> 'name-' || id")).single(Long.class))
                    .as("rows whose name is not their own id's").isZero();
            assertThat(await(c.query("SELECT sum(id) FROM copy_reuse")).single(Long.class)).isEqualTo((long) n * (n + 1) / 2);
        } finally {
            await(c.close());
        }
    }

    /**
     * A {@link CopyInPublisher} that has two buffers and fills one again only when pgconn tells it is done with it: each
     * chunk it emitted is told once, the very object, and every row arrives as it was made.
     */
    @Test
    void aCopyInPublisherIsToldOfEachChunkOnceAndMayFillItAgain() {
        PgConnection c = connect("copy_reusing");
        try {
            TwoBuffers data = new TwoBuffers(200, 500, null);
            assertThat(await(c.copyIn("COPY copy_reusing (id, name) FROM STDIN", data))).isEqualTo(100_000L);
            assertThat(data.told).as("chunks told done").isEqualTo(200);
            assertThat(data.strangers).as("chunks told that were not out, or told twice").isZero();
            assertThat(await(c.query("SELECT count(*) FROM copy_reusing WHERE name <> 'name-' || id")).single(Long.class)).isZero();
            assertThat(await(c.query("SELECT sum(id) FROM copy_reusing")).single(Long.class)).isEqualTo(100_000L * 100_001 / 2);
        } finally {
            await(c.close());
        }
    }

    /** A {@code reusable} that throws fails the COPY as a publisher's error would (CopyFail), and the connection goes on. */
    @Test
    void aCopyInPublisherWhoseReusableThrowsFailsTheCopyWithItAsTheCause() {
        PgConnection c = connect("copy_reusing_fails");
        try {
            IllegalStateException broken = new IllegalStateException("secret pool state");
            Throwable error = failure(c.copyIn("COPY copy_reusing_fails (id, name) FROM STDIN", new TwoBuffers(200, 500, broken)));
            assertThat(error).isInstanceOf(PgException.class).hasCause(broken)
                    .hasMessageContaining("data publisher signalled java.lang.IllegalStateException")
                    .hasMessageNotContaining("secret");
            assertThat(count(c, "copy_reusing_fails")).as("rolled back").isZero();
            assertThat(await(c.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    /** {@code chunks} chunks of {@code rows} rows each, made in two buffers, each filled again once told; {@code failure}: thrown by {@code reusable}. */
    private static final class TwoBuffers implements CopyInPublisher, Flow.Subscription {
        private final int chunks;
        private final int rows;
        private final RuntimeException failure;
        private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(List.of(ByteBuffer.allocate(64 * 1024), ByteBuffer.allocate(64 * 1024)));
        private final Set<ByteBuffer> out = Collections.newSetFromMap(new IdentityHashMap<>());
        private Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private int made;
        private boolean ended;
        volatile int told;
        volatile int strangers;

        TwoBuffers(int chunks, int rows, RuntimeException failure) {
            this.chunks = chunks;
            this.rows = rows;
            this.failure = failure;
        }

        @Override
        public synchronized void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        @Override
        public synchronized void request(long n) {
            demand += n;
            emit();
        }

        @Override
        public synchronized void cancel() {
            ended = true;
        }

        @Override
        public synchronized void reusable(ByteBuffer chunk) {
            if (failure != null) {
                throw failure;
            }
            if (!out.remove(chunk)) {
                strangers++;
            }
            told++;
            chunk.clear();
            free.add(chunk);
            emit();
        }

        private void emit() {
            while (!ended && demand > 0 && made < chunks && !free.isEmpty()) {
                ByteBuffer chunk = free.poll();
                for (int id = made * rows + 1; id <= (made + 1) * rows; id++) {
                    chunk.put((id + "\tname-" + id + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                chunk.flip();
                made++;
                demand--;
                out.add(chunk);
                subscriber.onNext(chunk);
            }
            if (!ended && made == chunks) {
                ended = true;
                subscriber.onComplete();
            }
        }
    }

    /** Rows {@code i\tname-i\n} for i = 1..n, formatted in place: the stream allocates nothing as it is read. */
    private static final class GeneratedRows extends InputStream {
        private static final byte[] NAME = "name-".getBytes(StandardCharsets.US_ASCII);
        private final int n;
        private final byte[] row = new byte[32];
        private int next = 1;
        private int position;
        private int length;
        long bytes;

        GeneratedRows(int n) {
            this.n = n;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int done = 0;
            while (done < len) {
                if (position == length) {
                    if (next > n) {
                        break;
                    }
                    length = format(next++);
                    position = 0;
                }
                int k = Math.min(len - done, length - position);
                System.arraycopy(row, position, b, off + done, k);
                position += k;
                done += k;
            }
            bytes += done;
            return done == 0 && len > 0 ? -1 : done;
        }

        private int format(int i) {
            int p = digits(i, 0);
            row[p++] = '\t';
            for (byte letter : NAME) {
                row[p++] = letter;
            }
            p = digits(i, p);
            row[p++] = '\n';
            return p;
        }

        private int digits(int i, int at) {
            int end = at + stringSize(i);
            for (int p = end - 1, v = i; p >= at; p--, v /= 10) {
                row[p] = (byte) ('0' + v % 10);
            }
            return end;
        }

        private static int stringSize(int i) {
            int size = 1;
            for (int v = i; v >= 10; v /= 10) {
                size++;
            }
            return size;
        }
    }
}
