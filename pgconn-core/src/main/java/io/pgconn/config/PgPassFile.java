package io.pgconn.config;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The password file ({@code ~/.pgpass}): lines of {@code hostname:port:database:username:password};
 * {@code *} as a whole field matches anything; {@code \:} and {@code \\} escape; the first
 * matching line wins; lines starting with {@code #} and empty lines are skipped. Matching follows
 * libpq's {@code passwordFromFile} character by character (an unescaped {@code :} inside a value such
 * as {@code ::1} still matches; the password ends at its first unescaped {@code :}).
 *
 * <p>The file is read as bytes, line by line, as libpq reads it: a line that is no UTF-8 (a comment written in
 * Latin-1) matters only when it is the matching line and its password is not text ({@link ByteLines}).
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

    /** The lines that may match: comments ({@code #} as the first character, as libpq) and empty lines dropped. */
    private final List<ByteLines.Line> lines;
    /** The file, for a warning about one of its lines; {@code null} for lines given as text. */
    private final Path file;

    private PgPassFile(List<ByteLines.Line> lines, Path file) {
        this.lines = lines;
        this.file = file;
    }

    /** Parses the lines of a password file (no permission check). */
    public static PgPassFile parse(List<String> lines) {
        return parse(ByteLines.of(lines), null);
    }

    private static PgPassFile parse(List<ByteLines.Line> lines, Path file) {
        List<ByteLines.Line> kept = new ArrayList<>();
        for (ByteLines.Line line : lines) {
            // libpq strips the line's trailing CR/LF (a file written on Windows)
            String text = stripCarriageReturns(line.text());
            if (!text.isEmpty() && !text.startsWith("#")) {
                kept.add(new ByteLines.Line(line.number(), text, line.utf8()));
            }
        }
        return new PgPassFile(List.copyOf(kept), file);
    }

    private static String stripCarriageReturns(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        return line.substring(0, end);
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
            // libpq stat()s the file: a symbolic link is judged by the file it points to (LIBPQ-14 pp23)
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
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
            // as bytes, as libpq: a line that is no UTF-8 (a Latin-1 comment) no longer makes the whole file unreadable
            return Optional.of(parse(ByteLines.read(file), file));
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
        for (ByteLines.Line numbered : lines) {
            String line = numbered.text();
            int rest = -1;
            for (String hostName : hostNames(host)) {
                rest = matchField(line, 0, hostName);
                if (rest >= 0) {
                    break;
                }
            }
            rest = matchField(line, rest, port);
            rest = matchField(line, rest, database);
            rest = matchField(line, rest, user);
            if (rest >= 0) {
                String password = password(line, rest);
                if (!numbered.utf8() && password.indexOf('\uFFFD') >= 0) {
                    // libpq would send the raw bytes; a Java password is text, and a guess would be a wrong password
                    LOG.log(Level.WARNING, "password file \"{0}\", line {1}: the matching line''s password is not valid UTF-8;"
                            + " no password taken from the file", file, numbered.number());
                    return null;
                }
                return password;
            }
        }
        return null;
    }

    /** The names a line's host field may match: the host, and "localhost" for a default socket directory (libpq). */
    private static List<String> hostNames(HostSpec host) {
        if (host.namesSocketDirectory() && DEFAULT_SOCKET_DIRS.contains(stripSlash(host.host()))) {
            return List.of(host.host(), "localhost");
        }
        return List.of(host.host());
    }

    private static String stripSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    /**
     * libpq's {@code pwdfMatchesString}: whether the field starting at {@code from} matches {@code value},
     * returning where the next field starts, or -1. {@code *} as the whole field matches anything; otherwise
     * the field is compared character by character with {@code value}, a backslash taking the next character
     * literally, and it ends at the first unescaped {@code :} once {@code value} is used up — so an unescaped
     * colon inside a value ({@code ::1}) still matches, as in libpq.
     */
    private static int matchField(String line, int from, String value) {
        if (from < 0 || value == null) {
            return -1;
        }
        if (line.startsWith("*:", from)) {
            return from + 2;
        }
        int i = from;
        int v = 0;
        while (i < line.length()) {
            boolean escaped = false;
            if (line.charAt(i) == '\\') {
                i++;
                escaped = true;
                if (i >= line.length()) {
                    return -1;
                }
            }
            char c = line.charAt(i);
            if (c == ':' && v == value.length() && !escaped) {
                return i + 1;
            }
            if (v == value.length() || c != value.charAt(v)) {
                return -1;
            }
            i++;
            v++;
        }
        return -1;
    }

    /** The password field: up to the first unescaped {@code :} (libpq ignores anything after it), unescaped. */
    private static String password(String line, int from) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < line.length() && line.charAt(i) != ':'; i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "PgPassFile[" + lines.size() + " lines, passwords ***]"; // lines hold passwords
    }
}
