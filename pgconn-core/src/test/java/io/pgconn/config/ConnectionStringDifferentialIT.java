package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test against the real libpq: every connection string of {@code differential-corpus.txt}
 * (libpq's documented forms and a few thousand mutations of them, {@code src/test/c/gen_differential_corpus.py})
 * goes through libpq's {@code PQconninfoParse} ({@code src/test/c/conninfo_verdict.c}, compiled here with gcc
 * against {@code libpq-fe.h} and linked to the testkit's libpq 18) and through pgconn's parser. Both must accept
 * or both refuse; when both accept, they must set the same keywords to the same values, and
 * {@link ConnConfig#parse} (where it accepts the values) must carry them. The differences pgconn makes on purpose
 * are listed in {@link Known}, each naming its row of docs/lifecycle.md §9; each must still occur in the corpus.
 *
 * <p>Without gcc or {@code libpq-fe.h} the test is skipped, except under {@code CI=true} ({@link LibpqPrograms}).
 */
class ConnectionStringDifferentialIT {

    private static final String CORPUS = "/libpq-conformance/differential-corpus.txt";
    private static final Pattern ESCAPE = Pattern.compile("\\{U\\+([0-9A-F]{4,6})}");
    /** A password shorter than this may appear in a message as an ordinary word. */
    private static final int MIN_CHECKED_PASSWORD = 6;

    /** One side's answer: the keywords set, or the error message. */
    record Verdict(Map<String, String> values, String error, boolean notUtf8) {
        boolean ok() {
            return error == null;
        }

        @Override
        public String toString() {
            return ok() ? "accepts " + values + (notUtf8 ? " (bytes not UTF-8)" : "") : "refuses: " + error;
        }
    }

    /** The differences pgconn makes on purpose (docs/lifecycle.md §9), recognised from the string and both answers. */
    enum Known {
        /** §9 "host name holding @": an unescaped '@' in a URI password leaves the password's tail as a host (or port). */
        AT_SIGN_IN_URI_HOST((s, libpq, pgconn) -> libpq.ok() && !pgconn.ok() && pgconn.error().contains("a host name cannot contain '@'")
                && (atSignInHost(libpq.values().get("host")) || libpq.values().getOrDefault("port", "").indexOf('@') >= 0)),
        /** §9 "an '@' in the database part of a URI without user-info, after host:port": how a password holding '/' reads. */
        SLASH_IN_URI_PASSWORD((s, libpq, pgconn) -> libpq.ok() && !pgconn.ok() && pgconn.error().equals(UriParser.SLASH_IN_PASSWORD)),
        /** §9 "URI postgresql://h?user=u@x": a ?key=value before the first '@' starts the query. */
        QUERY_BEFORE_AT_SIGN((s, libpq, pgconn) -> UriParser.isUri(s) && queryBeforeAtSign(s)),
        /** §9 "a URI part percent-decoding to bytes that are not UTF-8". */
        NOT_UTF8_URI_PART((s, libpq, pgconn) -> libpq.ok() && libpq.notUtf8() && !pgconn.ok()
                && pgconn.error().contains("is not valid UTF-8")),
        /** §9 "trailing whitespace after a URI": pgconn reads the URI without it (checked against libpq below). */
        URI_TRAILING_WHITESPACE((s, libpq, pgconn) -> UriParser.isUri(s) && !s.isEmpty()
                && ConnectionStringParser.isSpace(s.charAt(s.length() - 1)));

        private final Rule rule;

        Known(Rule rule) {
            this.rule = rule;
        }

        interface Rule {
            boolean matches(String s, Verdict libpq, Verdict pgconn);
        }
    }

    @Test
    void pgconnReadsTheCorpusAsLibpqDoes(@TempDir Path dir) throws Exception {
        Path verdict = LibpqPrograms.compile("conninfo_verdict", dir);
        List<String> corpus = corpus();
        List<String> asked = new ArrayList<>(corpus);
        corpus.stream().filter(s -> Known.URI_TRAILING_WHITESPACE.rule.matches(s, null, null)).map(ConnectionStringDifferentialIT::stripSpace)
                .forEach(asked::add);
        Map<String, Verdict> libpq = askLibpq(verdict, asked);

        List<String> mismatches = new ArrayList<>();
        Map<Known, Integer> known = new EnumMap<>(Known.class);
        int agreed = 0;
        int accepted = 0;
        int configsCompared = 0;
        for (String s : corpus) {
            Verdict theirs = libpq.get(s);
            Verdict ours = pgconn(s);
            Known difference = knownDifference(s, theirs, ours);
            if (difference == Known.URI_TRAILING_WHITESPACE) {
                theirs = libpq.get(stripSpace(s)); // pgconn must read it as libpq reads the stripped URI
                difference = knownDifference(stripSpace(s), theirs, ours);
                known.merge(Known.URI_TRAILING_WHITESPACE, 1, Integer::sum);
            }
            if (difference != null && difference != Known.URI_TRAILING_WHITESPACE) {
                known.merge(difference, 1, Integer::sum);
                continue;
            }
            if (theirs.ok() != ours.ok() || (theirs.ok() && !theirs.values().equals(ours.values()))) {
                mismatches.add(show(s) + "\n    libpq:  " + theirs + "\n    pgconn: " + ours);
                continue;
            }
            agreed++;
            if (theirs.ok()) {
                accepted++;
                configsCompared += compareConfig(s, theirs.values(), mismatches) ? 1 : 0;
            }
            checkNoPasswordInError(s, theirs, mismatches);
        }
        System.out.printf("ConnectionStringDifferentialIT: %d strings, %d read alike (%d accepted by both, %d configs compared),"
                + " known differences %s, mismatches %d%n", corpus.size(), agreed, accepted, configsCompared, known, mismatches.size());
        assertThat(mismatches).as("strings pgconn reads otherwise than libpq 18 (not a difference listed in Known)").isEmpty();
        for (Known k : Known.values()) {
            assertThat(known.getOrDefault(k, 0)).as("the corpus still shows the known difference %s", k).isPositive();
        }
        assertThat(accepted).as("strings both accept").isGreaterThan(corpus.size() / 5);
        assertThat(agreed - accepted).as("strings both refuse").isGreaterThan(corpus.size() / 10);
    }

    private static Known knownDifference(String s, Verdict libpq, Verdict pgconn) {
        if (libpq.ok() == pgconn.ok() && (!libpq.ok() || libpq.values().equals(pgconn.values()))) {
            return null;
        }
        for (Known k : Known.values()) {
            if (k.rule.matches(s, libpq, pgconn)) {
                return k;
            }
        }
        return null;
    }

    /** pgconn's reading: the parser's pairs (last wins), each keyword checked as {@link ConnConfig#parse} checks it. */
    private static Verdict pgconn(String s) {
        try {
            Map<String, String> values = new TreeMap<>();
            for (Map.Entry<String, String> pair : ConnectionStringParser.parse(s)) {
                Keywords.forKeyword(pair.getKey());
                if (pair.getKey().equals("requiressl")) {
                    // libpq's conninfo_storeval rewrites it as sslmode; pgconn binds it to the sslmode setting
                    values.put("sslmode", pair.getValue().startsWith("1") ? "require" : "prefer");
                } else {
                    values.put(pair.getKey(), pair.getValue());
                }
            }
            return new Verdict(values, null, false);
        } catch (PgConfigException e) {
            return new Verdict(Map.of(), e.getMessage(), false);
        }
    }

    /**
     * Where {@link ConnConfig#parse} accepts the values too: the settings read back as libpq's text. Only
     * non-empty values are compared (an empty one reads as the default, lifecycle.md §6), and hosts only
     * when no entry is empty (pgconn's default host differs, §9) and no hostaddr is set.
     */
    private static boolean compareConfig(String s, Map<String, String> libpq, List<String> mismatches) {
        ConnConfig config;
        try {
            config = ConnConfig.parse(s, EnvironmentSource.of(Map.of("HOME", "/nonexistent/pgconn-differential")));
        } catch (PgConfigException e) {
            return false; // a value libpq checks only when connecting, if at all (LibpqConformanceTest covers those)
        }
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> actual = new LinkedHashMap<>();
        compare("user", libpq, config.user(), expected, actual);
        compare("dbname", libpq, config.database(), expected, actual);
        compare("password", libpq, config.password(), expected, actual);
        compare("options", libpq, config.options(), expected, actual);
        compare("application_name", libpq, config.applicationName(), expected, actual);
        compare("sslrootcert", libpq, config.sslRootCert(), expected, actual);
        compare("sslmode", libpq, config.sslMode().libpqName(), expected, actual);
        compare("target_session_attrs", libpq, config.targetSessionAttrs().libpqName(), expected, actual);
        String hosts = libpq.get("host");
        if (hosts != null && !libpq.containsKey("hostaddr") && List.of(hosts.split(",", -1)).stream().noneMatch(String::isEmpty)) {
            expected.put("host", hosts);
            actual.put("host", String.join(",", config.hosts().stream().map(HostSpec::host).toList()));
        }
        if (!expected.equals(actual)) {
            mismatches.add(show(s) + "\n    libpq sets:         " + expected + "\n    ConnConfig carries: " + actual);
        }
        return true;
    }

    private static void compare(String keyword, Map<String, String> libpq, String ours, Map<String, String> expected, Map<String, String> actual) {
        String theirs = libpq.get(keyword);
        if (theirs != null && !theirs.isEmpty()) {
            expected.put(keyword, theirs);
            actual.put(keyword, ours);
        }
    }

    /** Whatever pgconn refuses, its message does not quote the password libpq read from the string. */
    private static void checkNoPasswordInError(String s, Verdict libpq, List<String> mismatches) {
        String password = libpq.ok() ? libpq.values().get("password") : null;
        if (password == null || password.length() < MIN_CHECKED_PASSWORD) {
            return;
        }
        try {
            ConnConfig.parse(s, EnvironmentSource.of(Map.of("HOME", "/nonexistent/pgconn-differential")));
        } catch (PgConfigException e) {
            if (String.valueOf(e.getMessage()).contains(password)) {
                mismatches.add(show(s) + "\n    the error quotes the password: " + e.getMessage());
            }
        }
    }

    private static boolean atSignInHost(String hosts) {
        if (hosts == null) {
            return false;
        }
        for (String host : hosts.split(",", -1)) {
            if (host.indexOf('@') > 0 && !host.startsWith("/")) {
                return true;
            }
        }
        return false;
    }

    /** A '?' with a '=' after it, both before the first '@' of the URI's user-info look-ahead (up to the first '/'). */
    private static boolean queryBeforeAtSign(String uri) {
        int start = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', start);
        int at = uri.indexOf('@', start);
        if (at < 0 || (slash >= 0 && slash < at)) {
            return false;
        }
        int query = uri.indexOf('?', start);
        return query >= 0 && query < at && uri.substring(query, at).indexOf('=') >= 0;
    }

    private static String stripSpace(String s) {
        int end = s.length();
        while (end > 0 && ConnectionStringParser.isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String show(String s) {
        StringBuilder out = new StringBuilder("[");
        s.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f || Character.isSpaceChar(c) && c != ' '
                ? String.format("{U+%04X}", c) : Character.toString(c)));
        return out.append(']').toString();
    }

    private static List<String> corpus() throws IOException {
        List<String> corpus = new ArrayList<>();
        try (InputStream in = ConnectionStringDifferentialIT.class.getResourceAsStream(CORPUS)) {
            assertThat(in).as(CORPUS).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    Matcher m = ESCAPE.matcher(line);
                    corpus.add(m.replaceAll(r -> Matcher.quoteReplacement(Character.toString(Integer.parseInt(r.group(1), 16)))));
                }
            }
        }
        return corpus;
    }

    private static Map<String, Verdict> askLibpq(Path exe, List<String> strings) throws Exception {
        List<String> answers = LibpqPrograms.ask(exe, strings.stream().map(s -> LibpqPrograms.hex(s.getBytes(StandardCharsets.UTF_8))).toList());
        Map<String, Verdict> verdicts = new HashMap<>();
        for (int i = 0; i < strings.size(); i++) {
            verdicts.put(strings.get(i), verdict(answers.get(i)));
        }
        return verdicts;
    }

    private static Verdict verdict(String line) {
        String[] f = line.split("\t", -1);
        if (f[0].equals("PARSE_ERR")) {
            return new Verdict(Map.of(), f.length > 1 ? new String(LibpqPrograms.unhex(f[1]), StandardCharsets.UTF_8) : "", false);
        }
        assertThat(f[0]).isEqualTo("PARSED");
        Map<String, String> values = new TreeMap<>();
        boolean notUtf8 = false;
        for (int i = 1; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            byte[] bytes = LibpqPrograms.unhex(f[i].substring(eq + 1));
            try {
                values.put(f[i].substring(0, eq), StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                notUtf8 = true;
                values.put(f[i].substring(0, eq), new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return new Verdict(values, null, notUtf8);
    }
}
