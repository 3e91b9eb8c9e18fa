package io.pgconn.internal.connect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FIFOs as TLS files nobody writes: a file-read thread that opens one parks there until a writer comes — how the
 * {@link ConnectResources} tests hold file-read threads and joined reads pending.
 */
final class TlsFileFifos {

    private TlsFileFifos() {
    }

    /** Makes a FIFO at {@code path} ({@code mkfifo}). */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        return path;
    }

    /** Writes {@code content} to the FIFO without waiting for a reader (opened for reading and writing: never blocks). */
    static void writeTo(Path fifo, byte[] content) throws IOException {
        try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                writer.write(buffer);
            }
        }
    }

    /** Threads of this JVM in the TLS files' reader (parked opening a FIFO). */
    static long threadsReadingTlsFiles() {
        return Thread.getAllStackTraces().values().stream().filter(stack -> Arrays.stream(stack).anyMatch(frame ->
                frame.getClassName().equals("io.pgconn.internal.tls.PemFiles") && frame.getMethodName().equals("read"))).count();
    }

    /** What {@code future} failed with (within 10 s); an AssertionError when it succeeded. */
    static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
