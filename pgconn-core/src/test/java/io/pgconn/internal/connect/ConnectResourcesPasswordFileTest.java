package io.pgconn.internal.connect;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.config.PgPassFile;
import io.pgconn.internal.tls.TlsSettings;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.internal.connect.TlsFileFifos.failureOf;
import static io.pgconn.internal.connect.TlsFileFifos.mkfifo;
import static io.pgconn.internal.connect.TlsFileFifos.threadsReadingTlsFiles;
import static io.pgconn.internal.connect.TlsFileFifos.writeTo;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-28 R28-1: the password file's read is joined by every connect that needs it while it is pending; when the
 * file-read pool refuses it (full, or the factory closed) the refusal names the host of the connect that asked first.
 * A joined connect to another host gets an error of its own, naming its host.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectResourcesPasswordFileTest {

    private static final HostSpec FIRST = HostSpec.of("db1", 5432);
    private static final HostSpec OTHER = HostSpec.of("db2", 5433);

    private final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1);
    private final ConnectResources resources = new ConnectResources(group, Transport.NIO, PgTracer.noop());
    private final List<Path> fifos = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        resources.close();
        for (Path fifo : fifos) {
            writeTo(fifo, new byte[0]); // lets the file-read thread parked in open() go
        }
        awaitCondition("no file-read thread left at a FIFO", () -> threadsReadingTlsFiles() == 0);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aJoinedReadRefusedByAClosingFactoryNamesEachConnectsOwnHost(@TempDir Path home) throws Exception {
        parkEveryFileReadThread(home);
        Path passfile = Files.writeString(home.resolve("pgpass"), "*:*:*:*:secret\n");
        String what = "read the password file \"" + passfile + "\" (passfile) to answer the server's password request";

        CompletableFuture<Optional<PgPassFile>> first = resources.passwordFile(passfile, FIRST, what); // queued
        CompletableFuture<Optional<PgPassFile>> joined = resources.passwordFile(passfile, OTHER, what);
        resources.close(); // the queued read is refused: the factory was closed

        Throwable firstError = failureOf(first);
        Throwable joinedError = failureOf(joined);
        assertThat(firstError).isInstanceOf(PgFactoryClosedException.class).hasMessageContaining(what);
        assertThat(((PgException) firstError).host()).isEqualTo(FIRST.label());
        assertThat(joinedError).isInstanceOf(PgFactoryClosedException.class).isNotSameAs(firstError).hasMessageContaining(what);
        assertThat(((PgException) joinedError).host()).isEqualTo(OTHER.label());
        assertThat(joinedError.getMessage()).doesNotContain(FIRST.label());
    }

    @Test
    void aJoinedReadRefusedForTheSameHostIsSharedAsIs(@TempDir Path home) throws Exception {
        parkEveryFileReadThread(home);
        Path passfile = Files.writeString(home.resolve("pgpass"), "*:*:*:*:secret\n");
        String what = "read the password file \"" + passfile + "\"";

        CompletableFuture<Optional<PgPassFile>> first = resources.passwordFile(passfile, FIRST, what);
        CompletableFuture<Optional<PgPassFile>> joined = resources.passwordFile(passfile, FIRST, what);
        resources.close();

        assertThat(failureOf(joined)).as("the same host: one refusal, shared").isSameAs(failureOf(first));
    }

    /** Every file-read thread parked in a root certificate nobody writes: a read asked for now is queued. */
    private void parkEveryFileReadThread(Path home) throws Exception {
        for (int i = 0; i < BlockingCallPool.THREADS; i++) {
            Path dir = Files.createDirectory(home.resolve("h" + i));
            Path fifo = fifo(dir.resolve("root.crt"));
            resources.tls(settings(dir, "sslmode=verify-ca sslrootcert=" + fifo), FIRST);
        }
        awaitCondition("every file-read thread opens a FIFO", () -> threadsReadingTlsFiles() == BlockingCallPool.THREADS);
    }

    private Path fifo(Path path) throws IOException, InterruptedException {
        fifos.add(mkfifo(path));
        return path;
    }

    private static TlsSettings settings(Path home, String options) {
        return TlsSettingsOf.config(ConnConfig.parse("host=db " + options, EnvironmentSource.of(Map.of("HOME", home.toString()))));
    }
}
