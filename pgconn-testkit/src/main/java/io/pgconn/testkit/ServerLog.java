package io.pgconn.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A server's log file, read to explain a failed start or stop. */
final class ServerLog {

    private final Path file;

    ServerLog(Path file) {
        this.file = file;
    }

    /** Its size now: an offset for {@link #since(long)}. */
    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What was logged after {@code offset} (at most 1 MiB); empty when nothing or unreadable. */
    String since(long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length() - offset;
            if (len <= 0) {
                return "";
            }
            byte[] buf = new byte[(int) Math.min(len, 1 << 20)];
            f.seek(offset);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code lines} lines. */
    String tail(int lines) {
        return Os.tail(file, lines);
    }
}
