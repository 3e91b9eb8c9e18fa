package io.pgconn.config;

import io.pgconn.PgConfigException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way a configuration error quotes text the user wrote: a short excerpt with anything that
 * looks like a secret masked — a {@code password=}/{@code sslpassword=} value (quoted or not,
 * closed or not) and URI user-info ({@code user:secret@}, or after {@code scheme://user:} when the
 * '@' is gone). A malformed connection string can move a
 * password out of its place (an upper-case scheme read as key=value, an unclosed quote that swallows
 * {@code password='...'}, {@code maxMessageSize= password=...}); whatever value or keyword an error
 * then names, the password must not appear in the message.
 */
final class SafeText {

    /** Longest excerpt shown; longer text is cut with "…". */
    static final int MAX_EXCERPT = 40;

    private static final Pattern PASSWORD_VALUE = Pattern.compile("(?i)((?:password|oauth_client_secret)\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S*)");
    // "…password=" or any "…key=" at the end of a value: a quote swallowed a label, a secret may follow
    private static final Pattern ENDS_WITH_PASSWORD_LABEL = Pattern.compile("(?i).*((?:password|oauth_client_secret)\\s*=\\s*'?|=)$", Pattern.DOTALL);

    private SafeText() {
    }

    /** {@code text} masked and cut to {@link #MAX_EXCERPT} characters; NUL and other controls shown as {@code ?}. */
    static String excerpt(String text) {
        if (text == null) {
            return "null";
        }
        String masked = mask(text);
        StringBuilder out = new StringBuilder(Math.min(masked.length(), MAX_EXCERPT + 1));
        for (int i = 0; i < masked.length() && out.length() < MAX_EXCERPT; i++) {
            char c = masked.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (masked.length() > MAX_EXCERPT) {
            out.append('…');
        }
        return out.toString();
    }

    /**
     * Masks, in each whitespace-separated token, what may be URI user-info: from the first ':' of the
     * authority ({@code user:}, after any {@code scheme://}) to the last '@' ({@code user:***@host}); in a
     * {@code scheme://} token without '@' (user-info whose '@' moved away) everything after that ':'.
     */
    private static String maskUserInfo(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int end = i;
            if (ConnectionStringParser.isSpace(text.charAt(i))) {
                out.append(text.charAt(i++));
                continue;
            }
            while (end < text.length() && !ConnectionStringParser.isSpace(text.charAt(end))) {
                end++;
            }
            out.append(maskToken(text.substring(i, end)));
            i = end;
        }
        return out.toString();
    }

    private static String maskToken(String token) {
        int at = token.lastIndexOf('@');
        int scheme = at >= 0 ? token.lastIndexOf("://", at) : token.lastIndexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int colon = token.indexOf(':', start);
        if (at >= 0 && colon >= 0 && colon < at) {
            return token.substring(0, colon + 1) + "***" + token.substring(at);
        }
        if (at < 0 && scheme >= 0 && colon >= 0) {
            return token.substring(0, colon + 1) + "***";
        }
        return token;
    }

    /**
     * A configuration error about one setting, built the one way the config package builds them: the
     * {@link PgConfigException#keyword() keyword} and {@link PgConfigException#value() value} are held to
     * the rule the message follows — text in which {@link #excerpt} would mask something (a password moved
     * out of its place by a malformed string, URI user-info) is not carried at all, so that a caller
     * reading {@code value()} meets no secret either. A secret setting's value is dropped by the exception.
     */
    static PgConfigException settingError(String keyword, String value, String message) {
        return PgConfigException.ofSetting(unlessMasked(keyword), unlessMasked(value), message);
    }

    /** {@link #settingError} for a value that conflicts with those of {@code conflictsWith} (keywords). */
    static PgConfigException conflictError(String keyword, String value, List<String> conflictsWith, String message) {
        return PgConfigException.ofConflict(unlessMasked(keyword), unlessMasked(value), conflictsWith, message);
    }

    /** {@code text} as given, or {@code null} when masking would change it. */
    private static String unlessMasked(String text) {
        return text == null || !mask(text).equals(text) ? null : text;
    }

    private static String mask(String text) {
        return maskUserInfo(PASSWORD_VALUE.matcher(text).replaceAll("$1***"));
    }

    /**
     * {@code error} as it may leave the parse of {@code source}: when its message chain, keyword or value
     * holds a password that {@code source} labels somewhere ({@code password=...} under every reading of
     * its quotes, URI user-info), a copy with that text masked and no cause; else {@code error} itself.
     * The last line of defence for a password a malformed string moved where no label precedes it, e.g.
     * into a keyword ({@code options='x password='secret'y=...} makes {@code secret'y} a keyword).
     */
    static PgConfigException withoutSecretsOf(String source, PgConfigException error) {
        List<String> secrets = secretsIn(source);
        if (secrets.isEmpty() || !mentionsAny(error, secrets)) {
            return error;
        }
        PgConfigException safe = new PgConfigException(error.host(), error.keyword().map(k -> maskAll(k, secrets)).orElse(null),
                error.value().map(v -> maskAll(v, secrets)).orElse(null), error.conflictsWith(), maskAll(error.getMessage(), secrets), null);
        safe.setStackTrace(error.getStackTrace());
        return safe;
    }

    private static final Pattern PASSWORD_LABEL = Pattern.compile("(?i)password\\s*=\\s*");
    /** Shorter text is not masked on its own: it would blot out ordinary words of the message. */
    private static final int MIN_SECRET = 3;

    /** Every text {@code source} could mean as a password: after each password label, quoted or not, and URI user-info. */
    static List<String> secretsIn(String source) {
        List<String> secrets = new ArrayList<>();
        if (source == null) {
            return secrets;
        }
        Matcher label = PASSWORD_LABEL.matcher(source);
        while (label.find()) {
            int start = label.end();
            int end = start;
            while (end < source.length() && !ConnectionStringParser.isSpace(source.charAt(end)) && source.charAt(end) != '&') {
                end++;
            }
            String bare = source.substring(start, end);
            addSecret(secrets, bare);
            addSecret(secrets, bare.replace("'", ""));
            if (start < source.length() && source.charAt(start) == '\'') {
                int close = source.indexOf('\'', start + 1);
                addSecret(secrets, source.substring(start + 1, close < 0 ? source.length() : close));
            }
        }
        for (String token : source.split("\\s+")) {
            int scheme = token.indexOf("://");
            int at = token.lastIndexOf('@');
            int colon = scheme < 0 ? -1 : token.indexOf(':', scheme + 3);
            if (colon >= 0 && at > colon) {
                addSecret(secrets, token.substring(colon + 1, at));
            }
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return secrets;
    }

    private static void addSecret(List<String> secrets, String candidate) {
        if (candidate.length() >= MIN_SECRET && !secrets.contains(candidate)) {
            secrets.add(candidate);
        }
    }

    private static boolean mentionsAny(PgConfigException error, List<String> secrets) {
        for (String secret : secrets) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (String.valueOf(t.getMessage()).contains(secret)) {
                    return true;
                }
            }
            if (error.keyword().map(k -> k.contains(secret)).orElse(false) || error.value().map(v -> v.contains(secret)).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private static String maskAll(String text, List<String> secrets) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "***");
        }
        return masked;
    }

    /** Whether {@code text} ends with a password label, so that what follows it is a password out of place. */
    static boolean endsWithPasswordLabel(String text) {
        return text != null && ENDS_WITH_PASSWORD_LABEL.matcher(text).matches();
    }
}
