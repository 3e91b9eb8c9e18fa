package io.pgconn.lifecycle;

import io.netty.util.internal.ThreadExecutorMap;
import io.pgconn.AuthMethod;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.QueryResult;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.ClientCertificate;
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
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files a connect reads — {@code .pgpass}, the TLS material — are read on the factory's file-read pool, never on
 * the event loop that carries other sessions (REVIEW-25 R25-4, docs/lifecycle.md §1.6), and only when needed: the
 * password file when the server asks for a password (a trust or certificate login reads none), the TLS files before a
 * TLS attempt's dial unless they were looked at less than a second before. A file that does not answer (here a FIFO
 * nobody has written to, as a secret volume on a hung NFS or FUSE mount) holds up only the connect that needs it, which
 * completes once the file is written or fails at connectTimeout naming the file, and parks one file-read thread however
 * many connects wait for it; a file changed on disk is read by a later connect, as libpq reads it at every connect.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectFilesIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(18);

    private static final String PASSWORD = LifecycleCluster.PASSWORD;

    /** PgPassFile's logger, held here: java.util.logging keeps loggers weakly, and a collected one loses its handlers. */
    private static final Logger PASSWORD_FILE_LOG = Logger.getLogger("io.pgconn.config.PgPassFile");

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
     * REVIEW-26 R26-3: reads of a file that never answers park a thread until it does, but one for all the connects that
     * wait for it (they join the pending read), on a pool of their own: after five connects cut short by it, a connect
     * that needs no file — its password given, sslmode=disable — to a host given by name (the system resolver's look-up
     * pool) still connects, and so does one whose TLS files must be looked at (another TLS setting) on the file-read
     * pool. Before, each connect parked one more file-read thread: four stuck, the fifth read queued, and the TLS connect
     * waited behind them until its connectTimeout.
     */
    @Test
    void stuckFileReadsParkOneThreadAndLeaveTheFactorysOtherReadsAndLookUpsFree(@TempDir Path dir) throws Exception {
        Path fifo = fifo(dir.resolve("stuck.crt"));
        try (PgConnectionFactory factory = oneLoop()) {
            try {
                for (int i = 0; i < 5; i++) {
                    assertThat(failure(factory.connect(config("scram_u", PASSWORD,
                            "sslmode=verify-ca connectTimeout=300ms sslrootcert=" + fifo)))).isInstanceOf(PgTimeoutException.class);
                }
                assertThat(threadsReadingTlsFiles()).as("the five connects joined one read").isEqualTo(1);
                PgConnection byName = await(factory.connect(config("scram_u", PASSWORD, "sslmode=disable")));
                assertThat(byName.parameters()).containsEntry("session_authorization", "scram_u");
                await(byName.close());
                PgConnection otherTlsFiles = await(factory.connect(config("scram_u", PASSWORD, "sslmode=verify-ca connectTimeout=5s sslrootcert="
                        + PG.tls().caCertificate())));
                assertThat(otherTlsFiles.tlsProtocol()).isPresent();
                await(otherTlsFiles.close());
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
     * The {@code .pgpass} file is read on the file-read pool when the server asks for a password: its permission warning
     * (libpq's, kept) is logged there, not on an event loop; a group-readable file is ignored, and the same file made
     * owner-only is read by the next connect.
     */
    @Test
    void thePasswordFileIsReadOffTheEventLoopAndReadAgainByTheNextConnect(@TempDir Path dir) throws Exception {
        Path passfile = dir.resolve("pgpass");
        Files.writeString(passfile, "*:*:*:scram_u:" + PASSWORD + "\n");
        Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-r-----"));
        try (PasswordFileWarnings warnings = new PasswordFileWarnings(); PgConnectionFactory factory = oneLoop()) {
            assertNoPasswordSupplied(factory, passfile);
            assertThat(warnings.threads).hasSize(1);
            assertThat(warnings.threads.get(0)).startsWith("pgconn-files").doesNotContain("(event loop)");

            Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
            PgConnection connection = await(factory.connect(scramLogin(passfile)));
            await(connection.close());
            assertThat(warnings.threads).hasSize(1);
        }
    }

    /**
     * A trust login and a certificate login read no password file: the server asks for no password. libpq reads it
     * when the connect starts; here it cost a hop to the file-read pool before every dial (+6 % p50 on a trust connect,
     * session 26), and its warnings — a group-readable file, a FIFO that is no plain file — were logged for logins that
     * never needed it (they were, on the code before: one warning per connect).
     */
    @Test
    void aTrustOrCertificateLoginReadsNoPasswordFile(@TempDir Path dir) throws Exception {
        Path groupReadable = dir.resolve("pgpass");
        Files.writeString(groupReadable, "*:*:*:*:" + PASSWORD + "\n");
        Files.setPosixFilePermissions(groupReadable, PosixFilePermissions.fromString("rw-r-----"));
        Path fifo = fifo(dir.resolve("pgpass.fifo"));
        ClientCertificate cert = PG.tls().clientCertificate("cert_u");
        Path key = Files.copy(cert.keyPkcs8Pem(), dir.resolve("cert_u.key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        try (PasswordFileWarnings warnings = new PasswordFileWarnings(); PgConnectionFactory factory = oneLoop()) {
            for (Path passfile : List.of(groupReadable, fifo)) {
                PgConnection trust = await(factory.connect(config("trust_u", null, "sslmode=disable passfile='" + passfile + "'")));
                assertThat(trust.authMethod()).isEqualTo(AuthMethod.NONE);
                await(trust.close());
                PgConnection certificate = await(factory.connect(config("cert_u", null, "sslmode=verify-full sslrootcert="
                        + PG.tls().caCertificate() + " sslcert=" + cert.certificate() + " sslkey=" + key + " passfile='" + passfile + "'")));
                assertThat(value(certificate, "SELECT current_user")).isEqualTo("cert_u");
                await(certificate.close());
            }
            assertThat(warnings.threads).as("no password file was read").isEmpty();

            assertNoPasswordSupplied(factory, groupReadable); // a password login reads it, and ignores it: group-readable
            assertThat(warnings.threads).hasSize(1);
        }
    }

    /**
     * The password file is read when the server asks for the password, not before the dial: a line written after the
     * server has the StartupMessage is the one sent (libpq reads the file when the connect starts, so a line written
     * during a connect is seen by the next one; the file is read at every connect in both). On the code before, the file
     * was read before the dial and the connect failed "no password was supplied".
     */
    @Test
    void thePasswordFileIsReadWhenTheServerAsksForThePassword(@TempDir Path dir) throws Exception {
        Path passfile = dir.resolve("pgpass");
        Files.writeString(passfile, "");
        Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
        List<String> sent = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            Files.writeString(passfile, "*:*:*:alice:written-once-the-server-had-the-startup\n");
            c.send(Backend.authenticationCleartext());
            sent.add(passwordOf(c.readMessage()));
            c.send(Backend.trustLogin());
            c.awaitClientClose();
        }); PgConnectionFactory factory = oneLoop()) {
            PgConnection connection = await(factory.connect(ConnConfig.parse("host=127.0.0.1 port=" + server.port()
                    + " user=alice dbname=app sslmode=disable extensionTypes='' passfile='" + passfile + "'", EnvironmentSource.none())));
            assertThat(sent).containsExactly("written-once-the-server-had-the-startup");
            await(connection.close());
            server.awaitConnectionsEnded(Connect.LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * The line matched is the one of the host that asks: a walk that leaves its first host (it asked for the password,
     * then answered 53300 too many connections) sends the second host that host's line, read for it — not the first
     * host's, nor a line read before the walk for the first host.
     */
    @Test
    void aWalkSendsEachHostThatAsksItsOwnLineOfThePasswordFile(@TempDir Path dir) throws Exception {
        List<String> sent = new CopyOnWriteArrayList<>();
        try (ScriptedServer full = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            sent.add(passwordOf(c.readMessage()));
            c.send(Backend.errorResponse("53300", "sorry, too many clients already"));
        }); PgConnectionFactory factory = oneLoop()) {
            Path passfile = dir.resolve("pgpass");
            Files.writeString(passfile, "127.0.0.1:" + full.port() + ":*:scram_u:the-first-hosts-secret\n"
                    + "localhost:" + PG.primary().port() + ":*:scram_u:" + PASSWORD + "\n"
                    + "*:*:*:scram_u:matches-every-host\n");
            Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
            PgConnection connection = await(factory.connect(ConnConfig.parse("host=127.0.0.1,localhost port=" + full.port() + ","
                    + PG.primary().port() + " user=scram_u dbname=postgres sslmode=disable extensionTypes='' passfile='" + passfile + "'",
                    EnvironmentSource.none())));
            try {
                assertThat(sent).as("the first host got its own line").containsExactly("the-first-hosts-secret");
                assertThat(connection.host()).isEqualTo("localhost:" + PG.primary().port());
                assertThat(value(connection, "SELECT current_user")).isEqualTo("scram_u");
            } finally {
                await(connection.close());
            }
            full.assertScriptsPassed();
        }
    }

    /** The password of a PasswordMessage ('p': the password and a NUL). */
    private static String passwordOf(Conversation.Message message) {
        assertThat(message.type()).isEqualTo('p');
        String body = new String(message.body(), java.nio.charset.StandardCharsets.UTF_8);
        return body.substring(0, body.indexOf('\0'));
    }

    /** A login as scram_u with no password given: {@code passfile}'s line is its password. */
    private static ConnConfig scramLogin(Path passfile) {
        return config("scram_u", null, "sslmode=disable passfile='" + passfile + "'");
    }

    /** {@link #scramLogin} is refused: the file was ignored (group-readable), so no password was sent. */
    private static void assertNoPasswordSupplied(PgConnectionFactory factory, Path passfile) {
        assertThat(failure(factory.connect(scramLogin(passfile)))).isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("no password was supplied");
    }

    /** The password file's warnings while it is open, each as the name of the thread it was logged on. */
    private static final class PasswordFileWarnings extends Handler implements AutoCloseable {

        final List<String> threads = new CopyOnWriteArrayList<>();

        PasswordFileWarnings() {
            PASSWORD_FILE_LOG.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getMessage().contains("password file")) {
                threads.add(Thread.currentThread().getName() + (ThreadExecutorMap.currentExecutor() == null ? "" : " (event loop)"));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            PASSWORD_FILE_LOG.removeHandler(this);
        }
    }

    /**
     * A root certificate replaced on disk (a CA rotation) is read by a later connect, as libpq reads it at every connect:
     * the factory's TLS context is rebuilt when a file's identity, size, modification time or permissions changed, not
     * only when a client certificate or revocation list did. The files are looked at again once the context is a second
     * old (ConnectResources.TLS_FILES_RECHECK): the connects right after the rotation may still use the old context.
     */
    @Test
    void aRootCertificateReplacedOnDiskIsReadByALaterConnect(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root.crt");
        Files.copy(PG.tls().caCertificate(), root);
        try (PgConnectionFactory factory = oneLoop()) {
            ConnConfig verifyCa = config("scram_u", PASSWORD, "sslmode=verify-ca sslrootcert=" + root);
            await(await(factory.connect(verifyCa)).close());

            Files.copy(PG.tls().untrustedCaCertificate(), root, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(root, FileTime.fromMillis(Files.getLastModifiedTime(root).toMillis() + 2_000));
            awaitCondition("a connect verifies against the replaced root certificate", () -> refusedNaming(factory, verifyCa, root));

            Files.copy(PG.tls().caCertificate(), root, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(root, FileTime.fromMillis(Files.getLastModifiedTime(root).toMillis() + 4_000));
            awaitCondition("a connect verifies against the restored root certificate", () -> !refusedNaming(factory, verifyCa, root));
        }
    }

    /** Whether a connect is refused naming {@code root} (true) or succeeds (false: its session is closed). */
    private static boolean refusedNaming(PgConnectionFactory factory, ConnConfig config, Path root) {
        CompletableFuture<PgConnection> connect = factory.connect(config);
        try {
            await(await(connect).close());
            return false;
        } catch (PgTlsException e) {
            assertThat(e).hasMessageContaining("sslrootcert=" + root);
            return true;
        }
    }

    private static long threadsReadingTlsFiles() {
        return Thread.getAllStackTraces().values().stream().filter(stack -> java.util.Arrays.stream(stack).anyMatch(frame ->
                frame.getClassName().equals("io.pgconn.internal.tls.PemFiles") && frame.getMethodName().equals("read"))).count();
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
