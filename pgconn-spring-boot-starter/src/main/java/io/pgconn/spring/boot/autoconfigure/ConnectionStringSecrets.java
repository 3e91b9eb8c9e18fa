package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and hides passwords in libpq connection strings and in text that may quote one (a parser's
 * error message): the URI user info's password, {@code password=} and {@code sslpassword=}.
 */
final class ConnectionStringSecrets {

    static final String MASK = "******";

    /** {@code scheme://user:password@}: the password ends at the last {@code @} before the host list. */
    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/?#@:\\s\"]*:)([^/?#\\s\"]*)(@)");

    /** {@code password=} or {@code sslpassword=} in a URI query or a key=value string, quoted or not. */
    private static final Pattern PARAMETER_PASSWORD = Pattern.compile(
            "(?i)(\\b(?:ssl)?password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|[^\\s&\"]*)");

    /** A libpq URI's scheme: what {@link #uriPassword} reads the user info after. */
    private static final Pattern URI_SCHEME = Pattern.compile("^\\s*postgres(?:ql)?://", Pattern.CASE_INSENSITIVE);

    /** A quoted part of a message: a parser may quote the text around a bad token. */
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"|'([^']*)'");

    private ConnectionStringSecrets() {
    }

    /**
     * Where the password of a libpq URI's user info is: libpq reads the user info up to the
     * {@code '@'} before the host list (it stops looking at the first {@code '/'}), so {@code '?'},
     * {@code '#'}, quotes and spaces belong to the password; to the last such {@code '@'}, so an
     * unescaped {@code '@'} in the password is covered too. {@code null} when {@code url} is not a
     * URI or names no password.
     */
    static @Nullable Range uriPassword(String url) {
        Matcher scheme = URI_SCHEME.matcher(url);
        if (!scheme.lookingAt()) {
            return null;
        }
        int start = scheme.end();
        int slash = url.indexOf('/', start);
        int end = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', end - 1);
        int colon = url.indexOf(':', start);
        if (at < start || colon < 0 || colon > at) {
            return null;
        }
        return new Range(colon + 1, at);
    }

    /** {@code url} (the value of {@code pg.conn.url}) with its passwords replaced by {@value #MASK}. */
    static String maskUrl(String url) {
        Range password = uriPassword(url);
        String masked = password == null || password.isEmpty() ? url
                : url.substring(0, password.start()) + MASK + url.substring(password.end());
        return PARAMETER_PASSWORD.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }

    /**
     * {@code message} with every quoted part that is a piece of a password of {@code url} hidden: a
     * parser reporting a malformed URL quotes the text around the bad token, which may begin or end
     * inside a password (core reads {@code app:pa?ss@db} as a query {@code ss@db}).
     */
    static String hideQuotedPartsOfPasswords(String message, @Nullable String url) {
        if (url == null) {
            return message;
        }
        List<Range> passwords = passwordRanges(url);
        if (passwords.isEmpty()) {
            return message;
        }
        Matcher quoted = QUOTED.matcher(message);
        StringBuilder hidden = new StringBuilder();
        while (quoted.find()) {
            String part = quoted.group(1) != null ? quoted.group(1) : quoted.group(2);
            boolean secret = false;
            // one quoted character ("=") tells nothing; shorter parts are matched so quotes pair up in order
            for (int from = part.length() < 2 ? -1 : url.indexOf(part); from >= 0 && !secret; from = url.indexOf(part, from + 1)) {
                Range occurrence = new Range(from, from + part.length());
                secret = passwords.stream().anyMatch(occurrence::overlaps);
            }
            String quote = quoted.group(1) != null ? "\"" : "'";
            quoted.appendReplacement(hidden, Matcher.quoteReplacement(secret ? quote + MASK + quote : quoted.group()));
        }
        quoted.appendTail(hidden);
        return hidden.toString();
    }

    private static List<Range> passwordRanges(String url) {
        List<Range> ranges = new ArrayList<>();
        Range uri = uriPassword(url);
        if (uri != null && !uri.isEmpty()) {
            ranges.add(uri);
        }
        Matcher parameter = PARAMETER_PASSWORD.matcher(url);
        while (parameter.find()) {
            if (parameter.end(2) > parameter.start(2)) {
                ranges.add(new Range(parameter.start(2), parameter.end(2)));
            }
        }
        return ranges;
    }

    /** Characters {@code start} (inclusive) to {@code end} (exclusive) of a text. */
    record Range(int start, int end) {

        boolean isEmpty() {
            return this.end <= this.start;
        }

        boolean overlaps(Range other) {
            return this.start < other.end && other.start < this.end;
        }
    }

    /** {@code text} with every connection-string password replaced by {@value #MASK}. */
    static String mask(String text) {
        String masked = URI_PASSWORD.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        return PARAMETER_PASSWORD.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }

    /** Passwords written in {@code connectionString}, as written and percent-decoded. */
    static List<String> passwordsIn(@Nullable String connectionString) {
        List<String> found = new ArrayList<>();
        if (connectionString == null) {
            return found;
        }
        Range uri = uriPassword(connectionString);
        if (uri != null) {
            addWithDecoded(found, connectionString.substring(uri.start(), uri.end()));
        }
        Matcher parameter = PARAMETER_PASSWORD.matcher(connectionString);
        while (parameter.find()) {
            String value = parameter.group(2);
            addWithDecoded(found, value.startsWith("'") ? value.substring(1).replaceAll("'$", "") : value);
        }
        return found;
    }

    /** {@code text} with each of {@code secrets} and every connection-string password hidden. */
    static String hide(String text, Collection<String> secrets) {
        String hidden = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                hidden = hidden.replace(secret, MASK);
            }
        }
        return mask(hidden);
    }

    private static void addWithDecoded(List<String> found, String value) {
        if (value.isEmpty()) {
            return;
        }
        found.add(value);
        try {
            found.add(URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // not valid percent-encoding: the raw text is all a message can quote
        }
    }
}
