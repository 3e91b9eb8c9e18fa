package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a factory's TLS context is built anew (docs/lifecycle.md §1.6): whenever a stat of one of its files tells a
 * change — one that appeared or went, was replaced (another inode, as a Kubernetes secret volume swaps its link),
 * rewritten, or had its permissions changed — and at every connect for a file a stat says nothing about (a FIFO).
 */
class TlsFileStateTest {

    private static TlsSettings settings(Path root, Path cert, Path key, Path crl, Path crlDir) {
        return new TlsSettings(SslMode.VERIFY_CA, null, root.toString(), cert, key, null, true, null, null, null, crl, crlDir);
    }

    @Test
    void aStateChangesWithEveryFileAndStaysWhileNothingChanged(@TempDir Path dir) throws Exception {
        Path root = Files.writeString(dir.resolve("root.crt"), "first root");
        Path cert = dir.resolve("client.crt");
        Path key = dir.resolve("client.key");
        Path crlDir = Files.createDirectory(dir.resolve("crls"));
        TlsSettings settings = settings(root, cert, key, dir.resolve("root.crl"), crlDir);
        TlsFileState first = TlsFileState.of(settings);
        assertThat(TlsFileState.of(settings)).isEqualTo(first);
        assertThat(first.reusable()).isTrue();
        assertThat(first.presentFiles()).isEqualTo("sslrootcert file \"" + root + "\"");

        FileTime mtime = Files.getLastModifiedTime(root);
        Path replacement = Files.writeString(dir.resolve("new-root"), "other root");
        Files.move(replacement, root, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(root, mtime);
        TlsFileState replaced = TlsFileState.of(settings);
        assertThat(replaced).as("same size and modification time, another file").isNotEqualTo(first);

        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rw-r-----"));
        TlsFileState chmodded = TlsFileState.of(settings);
        assertThat(chmodded).isNotEqualTo(replaced);

        Files.writeString(cert, "certificate");
        Files.writeString(key, "key");
        TlsFileState withClientCertificate = TlsFileState.of(settings);
        assertThat(withClientCertificate).isNotEqualTo(chmodded);
        assertThat(withClientCertificate.presentFiles()).contains("sslcert file \"" + cert + "\"", "sslkey file \"" + key + "\"");

        Files.writeString(crlDir.resolve("0a1b2c3d.r0"), "list");
        Files.writeString(crlDir.resolve("not-a-hash.pem"), "ignored, as OpenSSL ignores it");
        TlsFileState withList = TlsFileState.of(settings);
        assertThat(withList).isNotEqualTo(withClientCertificate);
        Files.writeString(crlDir.resolve("not-a-hash.pem"), "still ignored");
        assertThat(TlsFileState.of(settings)).isEqualTo(withList);

        Files.delete(cert);
        assertThat(TlsFileState.of(settings)).as("the client certificate went").isNotEqualTo(withList);
    }

    @Test
    void aFifoIsReadAtEveryConnect(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("root.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        TlsFileState state = TlsFileState.of(settings(fifo, null, null, null, null));

        assertThat(state.reusable()).as("a stat says nothing of what a FIFO will hold").isFalse();
        assertThat(state.presentFiles()).isEqualTo("sslrootcert file \"" + fifo + "\"");
    }
}
