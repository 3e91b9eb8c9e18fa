package io.pgconn.query;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.Codec;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Format;
import io.pgconn.codec.PgConversionException;
import io.pgconn.codec.PgType;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input pgconn cannot send as the user wrote it, refused before anything is sent with a message that names the
 * parameter or statement, the host and what was expected — never the value — and the session goes on (session 21).
 */
class UnsendableInputIT {

    private static final String SECRET = "s3cr3t";

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    /** An unpaired surrogate went out as '?': {@code SELECT $1::text} with "a\uD800b" answered "a?b". */
    @Test
    void anUnpairedSurrogateIsRefusedInAParameterAndInQueryTextInsteadOfBeingSentAsAQuestionMark() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            String port = String.valueOf(PG.primary().port());
            String lone = SECRET + "\uD800" + SECRET;
            assertThat(failure(c.query("SELECT $1::int, $2::text", 1, lone))).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("parameter $2 (index 1)").hasMessageContaining("unpaired UTF-16 surrogate")
                    .hasMessageContaining(port).hasMessageNotContaining(SECRET);
            assertThat(failure(c.statement("SELECT $1::text[]").bind(0, new String[]{"ok", lone}).collect()))
                    .isInstanceOf(PgConversionException.class).hasMessageContaining("parameter $1")
                    .hasMessageNotContaining(SECRET);
            assertThat(failure(c.query("SELECT $1::jsonb", io.pgconn.codec.Json.of("\"" + lone + "\""))))
                    .isInstanceOf(PgConversionException.class).hasMessageNotContaining(SECRET);

            assertThat(failure(c.query("SELECT 'a\uDC00b'"))).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("unpaired UTF-16 surrogate (at index 9)").hasMessageContaining(port);
            assertThat(failure(c.simpleQuery("SELECT 'a\uD800b'"))).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("unpaired UTF-16 surrogate (at index 9)").hasMessageContaining(port);
            // REVIEW-21 ED-1: simpleQuery and the copies named no host
            assertThat(failure(c.simpleQuery("SELECT 'a\0b'"))).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("NUL character (at index 9)").hasMessageContaining(port);
            await(c.simpleQuery("CREATE TABLE IF NOT EXISTS unsendable_copy (t text)"));
            Throwable copy;
            try {
                copy = failure(c.copyIn("COPY unsendable_copy FROM STDIN -- \uD800", new byte[]{'x', '\n'}));
            } catch (PgConfigException thrown) {
                copy = thrown;
            }
            assertThat(copy).isInstanceOf(PgConfigException.class).hasMessageContaining("copyIn's query text")
                    .hasMessageContaining("unpaired UTF-16 surrogate").hasMessageContaining(port);
            TestSubscriber script = new TestSubscriber(row -> { });
            c.script(List.of("SELECT 1", "SELECT 'a\uD800b'")).subscribe(script);
            assertThat(failure(script.done)).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("statement 2 of the script").hasMessageContaining("unpaired UTF-16 surrogate");

            String pair = "smile \uD83D\uDE00";
            assertThat(await(c.query("SELECT $1::text, length($1::text)", pair)).row(0).get(0, String.class)).isEqualTo(pair);
            assertThat(await(c.query("SELECT '" + pair + "'")).single(String.class)).isEqualTo(pair);
        } finally {
            await(c.close());
        }
    }

    /**
     * More placeholders than a Bind can carry: 70,000 values failed with an IndexOutOfBoundsException about "parameter
     * index 69999" without the host, and {@code $65536} was "takes 65536 parameters", a count no call could give.
     */
    @Test
    void moreParametersThanTheProtocolsInt16CountAreRefusedAsSuchBeforeAnythingIsSent() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            String port = String.valueOf(PG.primary().port());
            StringBuilder sql = new StringBuilder("SELECT 0");
            Object[] values = new Object[70_000];
            for (int i = 1; i <= values.length; i++) {
                sql.append(" + $").append(i).append("::int");
                values[i - 1] = i;
            }
            assertThat(failure(c.query(sql.toString(), values))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("70000 parameters given").hasMessageContaining("at most 65535")
                    .hasMessageContaining(port).hasMessageContaining("nothing was sent");
            assertThat(failure(c.query("SELECT $65536::int", 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refers to $65536").hasMessageContaining("at most 65535").hasMessageContaining(port);
            assertThat(failure(c.statement("SELECT $1::int + $65536::int").bind(0, 1).collect()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refers to $65536");
            assertThat(await(c.query("SELECT $1::int", 7)).single(Integer.class)).isEqualTo(7);
        } finally {
            await(c.close());
        }
    }

    /**
     * A bytea value past the 1 GB PostgreSQL reads in one message (a mapped sparse file: no heap, no disk): it was
     * copied into a growing scratch buffer until the heap ran out; the backend would have closed the session without
     * a word on reading such a Bind. Refused before any copy, naming the parameter and the host.
     */
    @Test
    void aByteaValueOverPostgresMessageLimitIsRefusedBeforeItIsCopied(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        Path sparse = Files.createFile(dir.resolve("sparse"));
        try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength((1L << 30) + 1);
            ByteBuffer huge = file.getChannel().map(FileChannel.MapMode.READ_ONLY, 0, file.length());
            assertThat(failure(c.query("SELECT $1::int, length($2::bytea)", 1, huge))).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("parameter $2 (index 1, bytea)").hasMessageContaining("1 GB")
                    .hasMessageContaining(String.valueOf(PG.primary().port()));
            assertThat(await(c.query("SELECT length($1::bytea)", (Object) new byte[1 << 20])).single(Integer.class)).isEqualTo(1 << 20);
        } finally {
            await(c.close());
        }
    }

    /**
     * An array past the 1 GB a Bind holds (1,100 references to one 1 MB String: 1.1 GB of text[] in 1 MB of heap) fails
     * its statement before it is encoded, naming the parameter, its type and the host; the connection goes on. Until
     * session 23 the array was built whole first (here: more than the test JVM's 1 GB heap).
     */
    @Test
    void anArrayParameterPastTheBindsLimitFailsItsStatementAndTheConnectionGoesOn() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            List<String> texts = java.util.Collections.nCopies(1_100, "x".repeat(1 << 20));
            assertThat(failure(c.query("SELECT cardinality($1::text[])", texts))).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("parameter $1 (index 0, " + CodecRegistry.defaults().typeName(io.pgconn.codec.Oids.TEXT_ARRAY) + ")")
                    .hasMessageContaining("1 GB").hasMessageContaining(String.valueOf(PG.primary().port()))
                    .hasMessageNotContaining("xxxx");
            assertThat(await(c.query("SELECT cardinality($1::text[])", java.util.Collections.nCopies(3, "x"))).single(Integer.class))
                    .isEqualTo(3);
        } finally {
            await(c.close());
        }
    }

    /** A value whose codec runs out of memory making its bytes (as a String of 1 GB would under a small heap). */
    record Heavy() {
    }

    /** text from {@link Heavy}: its encoding throws an OutOfMemoryError. */
    static final class OutOfMemoryCodec implements Codec<Heavy> {
        @Override
        public PgType type() {
            return PgType.TEXT;
        }

        @Override
        public Class<Heavy> javaType() {
            return Heavy.class;
        }

        @Override
        public Format format() {
            return Format.TEXT;
        }

        @Override
        public void encode(Heavy value, ByteBuf out) {
            throw new OutOfMemoryError("Java heap space");
        }

        @Override
        public boolean decodes(Format format, Class<?> target) {
            return false; // text columns stay the built-in codec's
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * An OutOfMemoryError while a parameter is encoded on the caller's thread was thrown out of {@code query},
     * {@code collect} and {@code execute} (session 22). Nothing was made or sent, so it fails the statement through its
     * future or publisher as a value that cannot be written does — naming the host, the error's class as its cause —
     * and goes on to the thread's uncaught-exception handler, as one met on the event loop does; the session goes on.
     */
    @Test
    void anOutOfMemoryErrorEncodingAParameterFailsTheStatementNotTheCallAndTheSessionGoesOn() {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1)
                .codecs(CodecRegistry.builder().register(new OutOfMemoryCodec()).build()).build();
        Thread thread = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = thread.getUncaughtExceptionHandler();
        List<Throwable> handed = new CopyOnWriteArrayList<>();
        try {
            PgConnection c = await(factory.connect(Connect.config(PG.primary(), QueryCluster.USER, null,
                    "sslmode=disable extensionTypes=''")));
            thread.setUncaughtExceptionHandler((t, e) -> handed.add(e));
            String port = String.valueOf(PG.primary().port());
            assertThat(failure(c.query("SELECT $1::int, $2::text", 1, new Heavy()))).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining(port).hasMessageContaining("java.lang.OutOfMemoryError").hasMessageContaining("nothing was sent")
                    .hasCauseInstanceOf(OutOfMemoryError.class);
            assertThat(failure(c.statement("SELECT $1::text").bind(0, new Heavy()).collect()))
                    .isInstanceOf(PgConversionException.class).hasCauseInstanceOf(OutOfMemoryError.class);
            TestSubscriber subscriber = new TestSubscriber(row -> { });
            c.statement("SELECT $1::text").bind(0, new Heavy()).execute().subscribe(subscriber);
            assertThat(failure(subscriber.done)).isInstanceOf(PgConversionException.class).hasCauseInstanceOf(OutOfMemoryError.class);
            thread.setUncaughtExceptionHandler(before);
            assertThat(handed).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOf(OutOfMemoryError.class));
            assertThat(await(c.query("SELECT $1::text", "after")).single(String.class)).isEqualTo("after");
            await(c.close());
        } finally {
            thread.setUncaughtExceptionHandler(before);
            factory.close();
        }
    }
}
