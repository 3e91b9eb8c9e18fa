package io.pgconn.config;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The password file ({@code ~/.pgpass}): lines of {@code hostname:port:database:username:password};
 * {@code *} as a whole field matches anything; {@code \:} and {@code \\} escape; the first
 * matching line wins; {@code #} comments and blank lines are skipped.
 *
 * <p>As libpq does, a file that grants any access to group or others (POSIX permissions beyond
 * {@code 0600}) is ignored with a warning, since its passwords may already be exposed; on file
 * systems without POSIX permissions the check is skipped. Warnings name the file, never a
 * password.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-pgpass.html">The Password File</a>
 */
public final class PgPassFile {

    private static final System.Logger LOG = System.getLogger(PgPassFile.class.getName());

    /**
     * Socket directories libpq may have been built with as its default; libpq matches
     * {@code localhost} lines for its default directory. We cannot know the build, so all of them.
     */
    private static final Set<String> DEFAULT_SOCKET_DIRS = Set.of("/tmp", "/var/run/postgresql", "/run/postgresql");

    private record Entry(String host, String port, String database, String user, String password) {
        @Override
        public String toString() {
            return host + ":" + port + ":" + database + ":" + user + ":***"; // null = wildcard
        }
    }

    private final List<Entry> entries;

    private PgPassFile(List<Entry> entries) {
        this.entries = entries;
    }

    /** Parses the lines of a password file (no permission check). */
    public static PgPassFile parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            List<String> fields = splitFields(line);
            if (fields.size() >= 5) {
                entries.add(new Entry(fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4)));
            }
            // lines with fewer fields cannot match anything: skipped, as in libpq
        }
        return new PgPassFile(List.copyOf(entries));
    }

    /**
     * Reads {@code file}: empty when it does not exist, is not a regular file, is readable by group
     * or others, or cannot be read (the last three with a warning).
     */
    public static Optional<PgPassFile> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            LOG.log(Level.WARNING, "password file \"{0}\" is not a plain file; ignored", file);
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (grantsGroupOrOthers(perms)) {
                LOG.log(Level.WARNING, "password file \"{0}\" has group or world access; permissions should be u=rw (0600) "
                        + "or less; ignored", file);
                return Optional.empty();
            }
        } catch (UnsupportedOperationException nonPosix) {
            // e.g. Windows: libpq relies on the profile directory's ACLs there; so do we
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read permissions of password file \"{0}\": {1}; ignored", file, e.toString());
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read password file \"{0}\": {1}; ignored", file, e.toString());
            return Optional.empty();
        }
    }

    private static boolean grantsGroupOrOthers(Set<PosixFilePermission> perms) {
        for (PosixFilePermission p : perms) {
            if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE
                    && p != PosixFilePermission.OWNER_EXECUTE) {
                return true;
            }
        }
        return false;
    }

    /** The password of the first line matching this host, or {@code null}. */
    public String find(HostSpec host, String database, String user) {
        String port = Integer.toString(host.port());
        for (Entry e : entries) {
            if (hostMatches(e.host(), host) && matches(e.port(), port) && matches(e.database(), database)
                    && matches(e.user(), user)) {
                return e.password();
            }
        }
        return null;
    }

    private static boolean hostMatches(String field, HostSpec host) {
        if (matches(field, host.host())) {
            return true;
        }
        // libpq: a line for "localhost" also serves its default socket directory
        return host.isUnixSocket() && "localhost".equals(field) && DEFAULT_SOCKET_DIRS.contains(stripSlash(host.host()));
    }

    private static String stripSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    /** {@code null} is the wildcard field. */
    private static boolean matches(String field, String value) {
        return field == null || field.equals(value);
    }

    /**
     * Splits at unescaped colons into at most five fields, undoing escapes. The fifth field is the
     * rest of the line, so a password may contain unescaped colons. A field written exactly as
     * {@code *} becomes {@code null}, the wildcard; an escaped {@code \*} is a literal star (libpq).
     */
    private static List<String> splitFields(String line) {
        List<String> fields = new ArrayList<>(5);
        StringBuilder current = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
                escaped = true;
            } else if (c == ':' && fields.size() < 4) {
                fields.add(!escaped && "*".contentEquals(current) ? null : current.toString());
                current.setLength(0);
                escaped = false;
            } else {
                current.append(c);
            }
        }
        fields.add(current.toString());
        return fields;
    }

    @Override
    public String toString() {
        return "PgPassFile" + entries;
    }
}
