package io.pgconn.internal.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * What the files of one {@link TlsSettings} are now, as far as a {@code stat()} tells: for {@code sslrootcert},
 * {@code sslcert}, {@code sslkey}, {@code sslcrl} and each hashed file of {@code sslcrldir}, whether it exists and then
 * its identity (device and inode: a Kubernetes secret volume swaps the file a link points to), size, modification
 * time and permissions. libpq reads these files at every connect; a factory builds a TLS context once per state
 * instead (building costs milliseconds) and builds a new one when the state changed — a root certificate or client
 * certificate rotated, a revocation list updated, a file that appeared or went (docs/lifecycle.md §1.2).
 *
 * <p>A file that is neither a regular file nor a directory (a FIFO, a device: a secret handed over through a pipe)
 * says nothing of its content in a stat: a state with one is not {@link #reusable()}, and the file is read again at
 * every connect, as libpq reads it.
 *
 * <p>Only stats, but blocking ones (a home directory or secret volume on NFS or FUSE): taken off the event loop, on
 * the factory's file-read pool, as the context is built (docs/lifecycle.md §1.6).
 */
public final class TlsFileState {

    private final List<String> stamps;
    /** The files a context is read from, as errors name them ({@code sslrootcert file "/x"}): those that exist. */
    private final List<String> present;
    private final boolean reusable;

    private TlsFileState(List<String> stamps, List<String> present, boolean reusable) {
        this.stamps = stamps;
        this.present = present;
        this.reusable = reusable;
    }

    /** Stats the settings' files now. */
    public static TlsFileState of(TlsSettings settings) {
        Builder state = new Builder();
        if (settings.rootCert() != null && !settings.usesSystemTrust()) {
            try {
                state.stamp(TlsFile.ROOT_CERT, Path.of(settings.rootCert()));
            } catch (InvalidPathException e) {
                state.stamps.add("sslrootcert invalid"); // names no file; under a verify mode, reading it reports the bad path
            }
        }
        if (settings.cert() != null) {
            state.stamp(TlsFile.CERT, settings.cert());
            if (settings.key() != null) {
                state.stamp(TlsFile.KEY, settings.key());
            }
        }
        if (settings.crl() != null) {
            state.stamp(TlsFile.CRL, settings.crl());
        }
        if (settings.crlDir() != null && Files.isDirectory(settings.crlDir())) {
            try {
                for (Path file : RevocationLists.hashedFiles(settings.crlDir())) {
                    state.stamp(TlsFile.CRL_DIR, file);
                }
            } catch (IOException | RuntimeException e) {
                state.stamps.add(settings.crlDir() + " unreadable"); // reading it for the context reports why
            }
        }
        return new TlsFileState(List.copyOf(state.stamps), List.copyOf(state.present), state.reusable);
    }

    /**
     * Whether a context built for this state may serve a later connect whose state is equal: false when one of the
     * files is no regular file (a FIFO or device, whose content a stat does not tell).
     */
    public boolean reusable() {
        return reusable;
    }

    /** The files that exist, as messages name them ({@code sslrootcert file "/x", sslcrl file "/y"}); empty: none. */
    public String presentFiles() {
        return String.join(", ", present);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsFileState other && stamps.equals(other.stamps);
    }

    @Override
    public int hashCode() {
        return stamps.hashCode();
    }

    @Override
    public String toString() {
        return "TlsFileState" + stamps;
    }

    private static final class Builder {
        final List<String> stamps = new ArrayList<>(4);
        final List<String> present = new ArrayList<>(2);
        boolean reusable = true;

        void stamp(TlsFile kind, Path file) {
            String name = kind.named(file);
            try {
                BasicFileAttributes attributes = attributes(file); // follows a symbolic link, as libpq's stat()
                present.add(name);
                if (!attributes.isRegularFile() && !attributes.isDirectory()) {
                    reusable = false;
                }
                String permissions = attributes instanceof PosixFileAttributes posix
                        ? PosixFilePermissions.toString(posix.permissions()) : "";
                stamps.add(name + " " + attributes.fileKey() + " " + attributes.size() + " " + attributes.lastModifiedTime()
                        + " " + permissions);
            } catch (NoSuchFileException e) {
                stamps.add(name + " absent");
            } catch (IOException | SecurityException e) {
                present.add(name); // reading it for the context reports why
                stamps.add(name + " unreadable");
                reusable = false;
            }
        }

        private static BasicFileAttributes attributes(Path file) throws IOException {
            try {
                return Files.readAttributes(file, PosixFileAttributes.class);
            } catch (UnsupportedOperationException e) {
                return Files.readAttributes(file, BasicFileAttributes.class); // e.g. Windows: no POSIX permissions
            }
        }
    }
}
