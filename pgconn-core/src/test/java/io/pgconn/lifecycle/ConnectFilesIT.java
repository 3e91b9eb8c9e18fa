package io.pgconn.lifecycle;

import io.netty.util.internal.ThreadExecutorMap;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.QueryResult;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files a connect reads — {@code .pgpass}, the TLS material — are read before the dial on the factory's look-up
 * pool, never on the event loop that carries other sessions (REVIEW-25 R25-4, docs/lifecycle.md §1.6): a file that
 * does not answer (here a FIFO nobody has written to, as a secret volume on a hung NFS or FUSE mount) holds up only the
 * connect that needs it, which completes once the file is written or fails at connectTimeout naming the file; and a
 * file changed on disk is read by the next connect, as libpq reads it at every connect.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectFilesIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(18);

    private static final String PASSWORD = LifecycleCluster.PASSWORD;

    /** One loop: the session that must not stall and the connect that waits for its file share the thread. */
    private static PgConnectionFactory oneLoop() {
        return PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
    }

    private static ConnConfig config(String user, String password, String extra) {
        return Connect.config(PG.primary(), user, password, "extensionTypes='' " + extra);
    }

    @Test
    void aRootCertificateNobodyHasWrittenYetStallsOnlyTheConnectThatNeedsIt(@TempDir Path dir) throws Exception {
        Path fifo = fifo(dir.resolve("root.crt"));
        try (PgConnectionFactory factory = oneLoop()) {
            PgConnection other = await(factory.connect(config("scram_u", PASSWORD, "sslmode=disable")));
            CompletableFuture<PgConnection> waiting = factory.connect(config("scram_u", PASSWORD,
                    "sslmode=verify-ca connectTimeout=60s sslrootcert=" + fifo));
            try {
                awaitCondition("a thread waits to read the root certificate FIFO", ConnectFilesIT::aThreadReadsATlsFile);

                CompletableFuture<QueryResult> query = other.simpleQuery("SELECT 'not held up'");
                assertThat(query.get(10, TimeUnit.SECONDS).singleValue())
                        .as("the other session's query on the same loop completes while the connect waits for its file")
                        .isEqualTo("not held up");
                assertThat(waiting).as("the connect waits for its file").isNotDone();

                write(fifo, Files.readAllBytes(PG.tls().caCertificate()));
                PgConnection verified = await(waiting);
                assertThat(verified.tlsProtocol()).as("verified against the CA read from the FIFO").isPresent();
                await(verified.close());
            } finally {
                write(fifo, new byte[0]); // whatever still waits for the FIFO (on the old code: the loop) gets an empty file
            }
            await(other.close());
            assertThat(factory.openConnections()).isZero();
        }
    }

    @Test
    void aRootCertificateThatIsNeverWrittenFailsAtConnectTimeoutNamingTheFile(@TempDir Path dir) throws Exception {
        Path fifo = fifo(dir.resolve("never.crt"));
        try (PgConnectionFactory factory = oneLoop()) {
            CompletableFuture<PgConnection> waiting = factory.connect(config("scram_u", PASSWORD,
                    "sslmode=verify-full connectTimeout=1500ms sslrootcert=" + fifo));
            try {
                Throwable failure = failure(waiting);
                assertThat(failure).isInstanceOf(PgTimeoutException.class)
                        .hasMessageStartingWith("could not connect within connectTimeout=1500ms: server localhost:" + PG.primary().port())
                        .hasMessageContaining("it was still waiting to read sslrootcert file \"" + fifo + "\" before dialling");
                assertThat(aThreadReadsATlsFile()).as("the read goes on on the file-read pool until the FIFO is written").isTrue();
            } finally {
                write(fifo, new byte[0]);
            }
            awaitCondition("the look-up thread left the FIFO once it was written", () -> !aThreadReadsATlsFile());
            assertThat(factory.openConnections()).isZero();
        }
    }

    /**
     * REVIEW-26 R26-3: reads of a file that never answers park their threads until it does, but on a pool of their own:
     * after five connects cut short by it (four threads stuck, one read waiting), a connect that needs no file — its
     * password given, sslmode=disable — to a host given by name (the system resolver's look-up pool) still connects.
     */
    @Test
    void stuckFileReadsLeaveTheHostNameLookUpsOfAHostThatNeedsNoFileFree(@TempDir Path dir) throws Exception {
        Path fifo = fifo(dir.resolve("stuck.crt"));
        try (PgConnectionFactory factory = oneLoop()) {
            try {
                for (int i = 0; i < 5; i++) {
                    assertThat(failure(factory.connect(config("scram_u", PASSWORD,
                            "sslmode=verify-ca connectTimeout=300ms sslrootcert=" + fifo)))).isInstanceOf(PgTimeoutException.class);
                }
                PgConnection byName = await(factory.connect(config("scram_u", PASSWORD, "sslmode=disable")));
                assertThat(byName.parameters()).containsEntry("session_authorization", "scram_u");
                await(byName.close());
            } finally {
                // each release wakes the readers waiting in open(); a read that was still queued opens after it: again
                awaitCondition("every read of the FIFO released", () -> {
                    try {
                        write(fifo, new byte[0]);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return !aThreadReadsATlsFile();
                });
            }
            assertThat(factory.openConnections()).isZero();
        }
    }

    /**
     * The {@code .pgpass} file is read on the file-read pool: its permission warning (libpq's, kept) is logged there,
     * not on an event loop; a group-readable file is ignored, and the same file made owner-only is read by the next
     * connect.
     */
    @Test
    void thePasswordFileIsReadOffTheEventLoopAndReadAgainByTheNextConnect(@TempDir Path dir) throws Exception {
        Path passfile = dir.resolve("pgpass");
        Files.writeString(passfile, "*:*:*:scram_u:" + PASSWORD + "\n");
        Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-r-----"));
        List<String> warnedOn = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().contains("password file")) {
                    warnedOn.add(Thread.currentThread().getName() + (ThreadExecutorMap.currentExecutor() == null ? "" : " (event loop)"));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.pgconn.config.PgPassFile");
        logger.addHandler(capture);
        try (PgConnectionFactory factory = oneLoop()) {
            ConnConfig fromFile = config("scram_u", null, "sslmode=disable passfile='" + passfile + "'");

            assertThat(failure(factory.connect(fromFile))).isInstanceOf(PgAuthenticationException.class)
                    .hasMessageContaining("no password was supplied");
            assertThat(warnedOn).hasSize(1);
            assertThat(warnedOn.get(0)).startsWith("pgconn-files").doesNotContain("(event loop)");

            Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
            PgConnection connection = await(factory.connect(fromFile));
            await(connection.close());
            assertThat(warnedOn).hasSize(1);
        } finally {
            logger.removeHandler(capture);
        }
    }

    /**
     * A root certificate replaced on disk (a CA rotation) is read by the next connect, as libpq reads it at every
     * connect: the factory's TLS context is rebuilt when a file's identity, size, modification time or permissions
     * changed, not only when a client certificate or revocation list did.
     */
    @Test
    void aRootCertificateReplacedOnDiskIsReadByTheNextConnect(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root.crt");
        Files.copy(PG.tls().caCertificate(), root);
        try (PgConnectionFactory factory = oneLoop()) {
            ConnConfig verifyCa = config("scram_u", PASSWORD, "sslmode=verify-ca sslrootcert=" + root);
            await(await(factory.connect(verifyCa)).close());

            Files.copy(PG.tls().untrustedCaCertificate(), root, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(root, FileTime.fromMillis(Files.getLastModifiedTime(root).toMillis() + 2_000));
            assertThat(failure(factory.connect(verifyCa))).isInstanceOf(PgTlsException.class)
                    .hasMessageContaining("sslrootcert=" + root);

            Files.copy(PG.tls().caCertificate(), root, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(root, FileTime.fromMillis(Files.getLastModifiedTime(root).toMillis() + 4_000));
            await(await(factory.connect(verifyCa)).close());
        }
    }

    private static Path fifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).as(new String(mkfifo.getInputStream().readAllBytes())).isZero();
        return path;
    }

    /**
     * Writes {@code content} to the FIFO without waiting for a reader: opened for reading and writing, which on Linux
     * never blocks and wakes a reader waiting in open(); what is written waits in the pipe for that reader, which then
     * reads the end of the file. With no reader, the content is dropped.
     */
    private static void write(Path fifo, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Whether a thread of this JVM is in the TLS files' reader (blocked opening a FIFO). */
    private static boolean aThreadReadsATlsFile() {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals("io.pgconn.internal.tls.PemFiles") && frame.getMethodName().equals("read")) {
                    return true;
                }
            }
        }
        return false;
    }
}
