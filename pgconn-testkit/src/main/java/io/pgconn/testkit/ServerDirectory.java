package io.pgconn.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A server's own directory and what is in it: the data directory (a copy of a template or of a
 * primary's), the Unix socket directory, the TLS files and the server log. {@link #delete()} removes
 * it all.
 */
final class ServerDirectory {

    private final Path root;
    private final Path data;
    private final Path socket;
    private final Path tls;
    private final Path logFile;

    ServerDirectory(Path root) {
        this.root = root;
        this.data = root.resolve("data");
        this.socket = root.resolve("socket");
        this.tls = root.resolve("tls");
        this.logFile = root.resolve("postgres.log");
    }

    Path root() {
        return root;
    }

    Path data() {
        return data;
    }

    Path socket() {
        return socket;
    }

    Path tls() {
        return tls;
    }

    Path logFile() {
        return logFile;
    }

    /**
     * Creates the directories, copies {@code sourceData} as the data directory and installs the server's
     * TLS files ({@code tlsMaterial} may be {@code null}: TLS off); the server account owns the socket
     * directory and the root (so that the server can create its log there).
     */
    void populate(Path sourceData, PgTls tlsMaterial) {
        Os.mkdirs(root, "rwxr-xr-x");
        Os.mkdirs(socket, "rwxr-xr-x");
        Os.Result r = Os.run(List.of("cp", "-a", sourceData.toString(), data.toString()), Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new PgTestkitException("cannot copy " + sourceData + " to " + data + ": " + r.output());
        }
        if (tlsMaterial != null) {
            tlsMaterial.installServerFiles(tls);
        }
        Os.chownOneToServer(socket);
        Os.chownOneToServer(root);
    }

    /** Turns a copied primary's data directory into a standby's: no postmaster files, a fresh standby.signal. */
    void markAsStandby() {
        try {
            Files.deleteIfExists(data.resolve("postmaster.opts"));
            Files.deleteIfExists(data.resolve("postmaster.pid"));
            Files.deleteIfExists(data.resolve("standby.signal"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfigFiles.writeServerFile(data.resolve("standby.signal"), "");
    }

    /** Deletes the whole directory. */
    void delete() {
        Os.deleteTree(root);
    }
}
