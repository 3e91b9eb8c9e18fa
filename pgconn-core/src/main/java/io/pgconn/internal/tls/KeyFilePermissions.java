package io.pgconn.internal.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * libpq's rule for the {@code sslkey} file: it must not be accessible by group or others
 * ({@code 0600} or less); a root-owned file may be group-readable ({@code 0640}), so that a system
 * key can be shared with a service group. Not checked on file systems without POSIX permissions.
 */
final class KeyFilePermissions {

    private static final Set<PosixFilePermission> FORBIDDEN_FOR_USER_OWNED = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private static final Set<PosixFilePermission> FORBIDDEN_FOR_ROOT_OWNED = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private KeyFilePermissions() {
    }

    static void check(Path key, String hostLabel) {
        Set<PosixFilePermission> permissions;
        boolean rootOwned;
        try {
            if (!Files.isRegularFile(key)) {
                throw TlsFile.KEY.error(hostLabel, key, TlsFile.KEY.named(key) + " is not a regular file");
            }
            permissions = Files.getPosixFilePermissions(key);
            rootOwned = isOwnedByRoot(key);
        } catch (UnsupportedOperationException e) {
            return; // e.g. Windows: no POSIX modes to check (libpq skips the check there too)
        } catch (IOException e) {
            throw TlsFile.KEY.error(hostLabel, key, "could not check the permissions of " + TlsFile.KEY.named(key) + ": " + e, e);
        }
        Set<PosixFilePermission> forbidden = EnumSet.copyOf(rootOwned ? FORBIDDEN_FOR_ROOT_OWNED : FORBIDDEN_FOR_USER_OWNED);
        forbidden.retainAll(permissions);
        if (!forbidden.isEmpty()) {
            throw TlsFile.KEY.error(hostLabel, key, "private key file \"" + key + "\" has group or world access ("
                    + PosixFilePermissions.toString(permissions) + "); file must have permissions u=rw (0600) or less"
                    + " if owned by the current user, or u=rw,g=r (0640) or less if owned by root");
        }
    }

    private static boolean isOwnedByRoot(Path key) throws IOException {
        try {
            // uid 0 is what libpq tests; the owner's name is only a fallback where "unix:uid" is missing
            return ((Integer) Files.getAttribute(key, "unix:uid")) == 0;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(Files.getOwner(key).getName());
        }
    }
}
