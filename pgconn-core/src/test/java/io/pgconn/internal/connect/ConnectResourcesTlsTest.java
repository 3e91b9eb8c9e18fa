package io.pgconn.internal.connect;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgException;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.tls.TlsSettings;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.pgconn.internal.connect.TlsFileFifos.failureOf;
import static io.pgconn.internal.connect.TlsFileFifos.mkfifo;
import static io.pgconn.internal.connect.TlsFileFifos.threadsReadingTlsFiles;
import static io.pgconn.internal.connect.TlsFileFifos.writeTo;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A factory's TLS context serves the connects of its settings without a look at the files (no hop to the file-read
 * pool) for {@link ConnectResources#TLS_FILES_RECHECK} after a look; then the files are stat'ed again and the context
 * is kept while they are unchanged. Looks at the same files that are pending are joined: a root certificate nobody
 * writes (a FIFO) parks one file-read thread, however many connects wait for it (REVIEW-26 R26-3).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectResourcesTlsTest {

    private static final HostSpec HOST = HostSpec.of("db", 5432);

    private final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1);
    private final ConnectResources resources = new ConnectResources(group, Transport.NIO, PgTracer.noop());
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @AfterEach
    void close() throws InterruptedException {
        resources.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static TlsSettings settings(Path home, String options) {
        return TlsSettingsOf.config(ConnConfig.parse("host=db " + options, EnvironmentSource.of(Map.of("HOME", home.toString()))));
    }

    @Test
    void aContextLookedAtLessThanTheRecheckAgoServesWithoutAHopThenTheFilesAreLookedAtAgain(@TempDir Path home) throws Exception {
        resources.nanoClock(now::get);
        TlsSettings require = settings(home, "sslmode=require");
        assertThat(resources.freshTls(require)).as("never looked at: the connect hops").isNull();

        PreparedTls built = resources.tls(require, HOST).get(10, TimeUnit.SECONDS);
        assertThat(resources.freshTls(require)).as("just looked at: no hop").isSameAs(built);

        now.addAndGet(ConnectResources.TLS_FILES_RECHECK.toNanos() - 1);
        assertThat(resources.freshTls(require)).isSameAs(built);
        now.addAndGet(1);
        assertThat(resources.freshTls(require)).as("the window is over: the files are looked at again").isNull();

        assertThat(resources.tls(require, HOST).get(10, TimeUnit.SECONDS)).as("files unchanged: the same context").isSameAs(built);
        assertThat(resources.freshTls(require)).as("and good for another window").isSameAs(built);
        assertThat(resources.freshTls(settings(home, "sslmode=prefer"))).as("other settings: their own context").isNull();
    }

    @Test
    void connectsWaitingForARootCertificateNobodyWritesJoinOneRead(@TempDir Path home) throws Exception {
        Path fifo = mkfifo(home.resolve("root.crt"));
        TlsSettings verify = settings(home, "sslmode=verify-ca sslrootcert=" + fifo);

        CompletableFuture<PreparedTls> first = resources.tls(verify, HOST);
        awaitCondition("a file-read thread opens the FIFO", () -> threadsReadingTlsFiles() == 1);
        assertThat(resources.tlsReading(verify)).isEqualTo("read sslrootcert file \"" + fifo + "\"");
        CompletableFuture<PreparedTls> second = resources.tls(verify, HOST);
        CompletableFuture<PreparedTls> third = resources.tls(verify, HOST);
        assertThat(threadsReadingTlsFiles()).as("the later connects joined the pending read").isEqualTo(1);
        assertThat(resources.freshTls(verify)).isNull();

        writeTo(fifo, new byte[0]); // the reader reads an empty file; the joined connects (same host) share its answer
        for (CompletableFuture<PreparedTls> waiting : java.util.List.of(first, second, third)) {
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasMessageContaining("sslrootcert");
        }
        assertThat(resources.tlsReading(verify)).isNull();
        awaitCondition("the file-read thread left the FIFO", () -> threadsReadingTlsFiles() == 0);
    }

    /**
     * REVIEW-27 R27-3: a connect to another host that joined a look which failed gets an error of its own, naming its
     * host — not the first asker's, nor the same exception instance: it looks at the files again for itself.
     */
    @Test
    void aJoinedLookThatFailsGivesEachHostItsOwnError(@TempDir Path home) throws Exception {
        Path fifo = mkfifo(home.resolve("root.crt"));
        Path notACertificate = Files.writeString(home.resolve("garbage.crt"), "not a certificate");
        TlsSettings verify = settings(home, "sslmode=verify-ca sslrootcert=" + fifo);
        HostSpec other = HostSpec.of("db2", 5433);

        CompletableFuture<PreparedTls> first = resources.tls(verify, HOST);
        awaitCondition("a file-read thread opens the FIFO", () -> threadsReadingTlsFiles() == 1);
        CompletableFuture<PreparedTls> joined = resources.tls(verify, other);
        writeTo(fifo, Files.readAllBytes(notACertificate));
        Throwable firstError = failureOf(first);
        awaitCondition("the joined connect looks at the files again, for its own host", () -> threadsReadingTlsFiles() == 1);
        writeTo(fifo, Files.readAllBytes(notACertificate));
        Throwable joinedError = failureOf(joined);
        assertThat(firstError).isInstanceOf(PgException.class).hasMessageContaining(HOST.label());
        assertThat(((PgException) firstError).host()).isEqualTo(HOST.label());
        assertThat(joinedError).isInstanceOf(PgException.class).isNotSameAs(firstError).hasMessageNotContaining(HOST.label());
        assertThat(((PgException) joinedError).host()).isEqualTo(other.label());
        awaitCondition("no file-read thread left at the FIFO", () -> threadsReadingTlsFiles() == 0);
    }
}
