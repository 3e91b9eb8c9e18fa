package io.pgconn.config;

import io.pgconn.PgConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a libpq connection string into keyword/value pairs, in order (a later pair overrides an
 * earlier one). Values are not interpreted here; {@link Keywords} does that.
 *
 * <p>Two forms, as in libpq: the URI {@code postgresql://...} / {@code postgres://...}
 * ({@link UriParser}), and {@code keyword = value} pairs separated by whitespace, where a value
 * may be single-quoted and a backslash escapes the next character (in and out of quotes). Whitespace is
 * what libpq's {@code isspace} is in the C locale ({@link #isSpace}): space, tab, newline, vertical tab,
 * form feed and carriage return — not Java's wider {@link Character#isWhitespace} (U+001F, U+2028, U+3000
 * are data to libpq).
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING">libpq connection strings</a>
 */
final class ConnectionStringParser {

    private ConnectionStringParser() {
    }

    /** The pairs of {@code connectionString}; an empty string gives none. */
    static List<Map.Entry<String, String>> parse(String connectionString) {
        if (connectionString == null) {
            throw new PgConfigException(null, "connection string must not be null");
        }
        // libpq recognises a URI only at the very start (" postgresql://..." is a key=value string missing
        // its "="); trailing whitespace is dropped for URIs only (libpq keeps a trailing tab or newline in the
        // last part, docs/lifecycle.md §9): in key=value form a trailing backslash-space is data
        String uri = stripTrailingSpace(connectionString);
        if (UriParser.isUri(uri)) {
            return UriParser.parse(uri);
        }
        return parseKeyValue(connectionString);
    }

    /** libpq's {@code conninfo_parse}. */
    static List<Map.Entry<String, String>> parseKeyValue(String s) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        int i = skipSpace(s, 0);
        while (i < s.length()) {
            int nameStart = i;
            while (i < s.length() && s.charAt(i) != '=' && !isSpace(s.charAt(i))) {
                i++;
            }
            String name = s.substring(nameStart, i);
            i = skipSpace(s, i);
            if (i >= s.length() || s.charAt(i) != '=') {
                throw missingEquals(name, pairs);
            }
            i = skipSpace(s, i + 1);
            StringBuilder value = new StringBuilder();
            i = s.startsWith("'", i) ? readQuoted(s, i + 1, value, name) : readBare(s, i, value);
            pairs.add(Map.entry(name, value.toString()));
            i = skipSpace(s, i);
        }
        return pairs;
    }

    /** Reads up to whitespace; a backslash keeps the next character, whatever it is. */
    private static int readBare(String s, int i, StringBuilder value) {
        while (i < s.length() && !isSpace(s.charAt(i))) {
            char c = s.charAt(i++);
            if (c == '\\') {
                if (i < s.length()) {
                    value.append(s.charAt(i++));
                }
            } else {
                value.append(c);
            }
        }
        return i;
    }

    /** Reads up to the closing quote; {@code \'} and {@code \\} (any {@code \x}) are escapes. */
    private static int readQuoted(String s, int i, StringBuilder value, String name) {
        while (true) {
            if (i >= s.length()) {
                // no value in the message: the quoted text may be a password
                throw new PgConfigException(null, "unterminated quoted string in connection info string (value of \""
                        + SafeText.excerpt(name) + "\")");
            }
            char c = s.charAt(i++);
            if (c == '\\') {
                if (i < s.length()) {
                    value.append(s.charAt(i++));
                }
            } else if (c == '\'') {
                return i;
            } else {
                value.append(c);
            }
        }
    }

    private static PgConfigException missingEquals(String word, List<Map.Entry<String, String>> pairs) {
        // A stray word right after a secret (or after a value that swallowed "password=", as an unclosed
        // quote does) is most likely the rest of a secret: do not echo it.
        if (!pairs.isEmpty()) {
            Map.Entry<String, String> previous = pairs.get(pairs.size() - 1);
            if (isSecret(previous.getKey()) || SafeText.endsWithPasswordLabel(previous.getValue())) {
                return new PgConfigException(null, "missing \"=\" after the value of \"" + SafeText.excerpt(previous.getKey())
                        + "\" in connection info string (quote values that contain spaces: key='a b')");
            }
        }
        return new PgConfigException(null, "missing \"=\" after \"" + SafeText.excerpt(word) + "\" in connection info string");
    }

    static boolean isSecret(String keyword) {
        return PgConfigException.isSecret(keyword);
    }

    /** libpq's {@code isspace((unsigned char) c)} in the C locale, a libpq program's locale unless it calls setlocale. */
    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static String stripTrailingSpace(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
