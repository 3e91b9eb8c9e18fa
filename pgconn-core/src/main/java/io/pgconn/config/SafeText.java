package io.pgconn.config;

import io.pgconn.PgConfigException;

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

    private static final Pattern PASSWORD_VALUE = Pattern.compile("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S*)");
    // "…password=" or any "…key=" at the end of a value: a quote swallowed a label, a secret may follow
    private static final Pattern ENDS_WITH_PASSWORD_LABEL = Pattern.compile("(?i).*(password\\s*=\\s*'?|=)$", Pattern.DOTALL);

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
            if (Character.isWhitespace(text.charAt(i))) {
                out.append(text.charAt(i++));
                continue;
            }
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
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

    /** {@code text} as given, or {@code null} when masking would change it. */
    private static String unlessMasked(String text) {
        return text == null || !mask(text).equals(text) ? null : text;
    }

    private static String mask(String text) {
        return maskUserInfo(PASSWORD_VALUE.matcher(text).replaceAll("$1***"));
    }

    /** Whether {@code text} ends with a password label, so that what follows it is a password out of place. */
    static boolean endsWithPasswordLabel(String text) {
        return text != null && ENDS_WITH_PASSWORD_LABEL.matcher(text).matches();
    }
}
