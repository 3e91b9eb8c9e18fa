package io.pgconn.config;

import io.pgconn.PgConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * then {@code PGSYSCONFDIR/pg_service.conf}; the first file holding the section wins and within
 * it the first section of that name. A service that no file defines is an error naming it and
 * every file searched.
 *
 * <p>Inside the wanted section, an unknown keyword, a line without {@code =} or a nested
 * {@code service} is an error naming the file and line (libpq); other sections are not checked.
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
        List<Path> candidates = new ArrayList<>(2);
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
        if (sysConfDir != null && !sysConfDir.isEmpty()) {
            candidates.add(Path.of(sysConfDir).resolve(ConnDefaults.SYSTEM_SERVICE_FILE_NAME));
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
        throw SafeText.settingError("service", service, "definition of service \"" + SafeText.excerpt(service) + "\" not found (" + searched + ")");
    }

    /** The section's pairs, or {@code null} when the file has no such section. */
    static Map<String, String> readSection(Path file, String service) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgConfigException(null, "service file \"" + file + "\" cannot be read: " + e.getMessage(), e);
        }
        return parseSection(lines, service, file.toString());
    }

    static Map<String, String> parseSection(List<String> lines, String service, String fileName) {
        Map<String, String> pairs = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = stripSpace(lines.get(n));
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (pairs != null) {
                    break; // the next section ends ours
                }
                if (line.equals("[" + service + "]")) {
                    pairs = new LinkedHashMap<>();
                }
                continue;
            }
            if (pairs != null) {
                addPair(pairs, line, fileName, n + 1);
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
        if (!Keywords.isKeyword(key)) {
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
