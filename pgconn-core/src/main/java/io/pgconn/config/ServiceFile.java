package io.pgconn.config;

import io.pgconn.PgConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The connection service file ({@code pg_service.conf}): {@code [name]} sections of
 * {@code keyword=value} lines, {@code #} comments. libpq's search order: the user file
 * ({@code servicefile} keyword, else {@code PGSERVICEFILE}, else {@code ~/.pg_service.conf}),
 * then {@code PGSYSCONFDIR/pg_service.conf} — without {@code PGSYSCONFDIR}, those in
 * {@link ConnDefaults#SYSTEM_SERVICE_FILE_DIRS}, since libpq's compiled-in directory is unknown here;
 * the first file holding the section wins and within it the first section of that name. A service that no file
 * defines is an error naming it and every file searched. The files are read as bytes (libpq): a line that is no
 * UTF-8 matters only where it is used ({@link ByteLines}).
 *
 * <p>A section starts at a line {@code [name]}, anything after the {@code ]} ignored (libpq). Inside the wanted
 * section, an unknown keyword (libpq's connection-string-only {@code requiressl} too), a line without {@code =}, a
 * nested {@code service} or a line that is no UTF-8 is an error naming the file and line (libpq); other sections are
 * not checked.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-pgservice.html">The Connection Service File</a>
 */
final class ServiceFile {

    private ServiceFile() {
    }

    /**
     * The keyword/value pairs of {@code service}, in file order.
     *
     * @param userFile the file named by {@code servicefile}/{@code PGSERVICEFILE}, or {@code null} for {@code ~/.pg_service.conf}
     */
    static Map<String, String> lookup(String service, Path userFile, Path homeDir, String sysConfDir) {
        return lookup(service, userFile, homeDir, sysConfDir, ConnDefaults.SYSTEM_SERVICE_FILE_DIRS);
    }

    /**
     * @param systemDirs where the system file may be when {@code sysConfDir} is unset (libpq's compiled-in
     *                   directory, unknown to a JVM: {@link ConnDefaults#SYSTEM_SERVICE_FILE_DIRS}), searched in order
     */
    static Map<String, String> lookup(String service, Path userFile, Path homeDir, String sysConfDir, List<String> systemDirs) {
        List<Path> candidates = new ArrayList<>(2 + systemDirs.size());
        if (userFile != null) {
            if (!Files.exists(userFile)) {
                // libpq 18: a file named by servicefile/PGSERVICEFILE must be there; only ~/.pg_service.conf may be absent
                throw SafeText.settingError("servicefile", userFile.toString(), "service file \"" + userFile
                        + "\" not found (servicefile or PGSERVICEFILE; looking up service \"" + SafeText.excerpt(service) + "\")");
            }
            candidates.add(userFile);
        } else if (homeDir != null) {
            candidates.add(homeDir.resolve(ConnDefaults.SERVICE_FILE_NAME));
        }
        boolean sysConfDirSet = sysConfDir != null && !sysConfDir.isEmpty();
        if (sysConfDirSet) {
            candidates.add(Path.of(sysConfDir).resolve(ConnDefaults.SYSTEM_SERVICE_FILE_NAME));
        } else {
            // libpq reads its SYSCONFDIR's file; pgconn, not knowing which build, the usual places in turn
            systemDirs.forEach(dir -> candidates.add(Path.of(dir).resolve(ConnDefaults.SYSTEM_SERVICE_FILE_NAME)));
        }
        for (Path file : candidates) {
            if (Files.isRegularFile(file)) {
                Map<String, String> section = readSection(file, service);
                if (section != null) {
                    return section;
                }
            }
        }
        String searched = candidates.isEmpty() ? "no service file configured"
                : "searched " + candidates.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(", "));
        String systemNote = sysConfDirSet ? "" : "; PGSYSCONFDIR is unset, so the system file was looked for where"
                + " libpq's common builds keep it: set PGSYSCONFDIR to name its directory";
        throw SafeText.settingError("service", service, "definition of service \"" + SafeText.excerpt(service)
                + "\" not found (" + searched + systemNote + ")");
    }

    /** The section's pairs, or {@code null} when the file has no such section. */
    static Map<String, String> readSection(Path file, String service) {
        List<ByteLines.Line> lines;
        try {
            lines = ByteLines.read(file);
        } catch (IOException e) {
            throw new PgConfigException(null, "service file \"" + file + "\" cannot be read: " + e.getMessage(), e);
        }
        return parseSection(lines, service, file.toString());
    }

    static Map<String, String> parseSection(List<String> lines, String service, String fileName) {
        return parseSection(ByteLines.of(lines), service, fileName);
    }

    /**
     * A line that is no UTF-8 is an error only where it is used (a pair of the wanted section); elsewhere, as a
     * comment or in another section, it is skipped as libpq skips it (it never decodes the file).
     */
    private static Map<String, String> parseSection(Iterable<ByteLines.Line> lines, String service, String fileName) {
        Map<String, String> pairs = null;
        for (ByteLines.Line numbered : lines) {
            String line = stripSpace(numbered.text());
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (pairs != null) {
                    break; // the next section ends ours
                }
                // libpq: the name followed by ']' opens the section; what follows the ']' is ignored ("[prod] # primary"),
                // even bytes that are no UTF-8 there (decoded as U+FFFD, which no name holds; REVIEW-32 R32-1)
                if (line.startsWith("[" + service + "]")) {
                    pairs = new LinkedHashMap<>();
                }
                continue;
            }
            if (pairs != null) {
                if (!numbered.utf8()) {
                    throw syntax(fileName, numbered.number(), "not valid UTF-8");
                }
                addPair(pairs, line, fileName, numbered.number());
            }
        }
        return pairs;
    }

    private static void addPair(Map<String, String> pairs, String line, String fileName, int lineNo) {
        int eq = line.indexOf('=');
        if (eq < 0) {
            throw syntax(fileName, lineNo, "expected keyword=value");
        }
        // as libpq: the line is stripped, the key and value are not ("host = h" names the option "host ")
        String key = line.substring(0, eq);
        if (key.equals("service") || key.equals("servicefile")) {
            throw syntax(fileName, lineNo, "nested " + key + " specifications are not supported");
        }
        // libpq reads requiressl only in connection strings: in a service file it is no connection option
        if (!Keywords.isKeyword(key) || key.equals("requiressl")) {
            throw syntax(fileName, lineNo, "invalid connection option \"" + key + "\"");
        }
        // first occurrence wins: libpq never overwrites a value already set
        pairs.putIfAbsent(key, line.substring(eq + 1));
    }

    private static PgConfigException syntax(String fileName, int lineNo, String what) {
        return new PgConfigException(null, "syntax error in service file \"" + fileName + "\", line " + lineNo + ": " + what);
    }

    /** The line without libpq's whitespace ({@code isspace} in the C locale) at either end; U+3000 and the like stay. */
    private static String stripSpace(String line) {
        int start = 0;
        int end = line.length();
        while (start < end && ConnectionStringParser.isSpace(line.charAt(start))) {
            start++;
        }
        while (end > start && ConnectionStringParser.isSpace(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(start, end);
    }
}
