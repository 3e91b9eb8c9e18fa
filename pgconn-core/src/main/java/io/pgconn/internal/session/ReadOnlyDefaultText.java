package io.pgconn.internal.session;

import io.pgconn.query.SqlTokens;

import java.util.Locale;

/**
 * Whether a statement's SQL text may itself have set the session's {@code default_transaction_read_only}, so that the
 * server's report of it says nothing about the server ({@link ServerRoleChanges}). It may when the text names the
 * setting or {@code characteristics} anywhere ({@code SET [LOCAL] default_transaction_read_only}, {@code SET SESSION
 * CHARACTERISTICS}, {@code set_config('default_transaction_read_only', ...)}), or mentions {@code set_config} other than
 * as a call whose first argument is a plain string literal naming another setting: {@code set_config('app.tenant', $1,
 * true)} (the row-level-security tenant pattern) and pgconn-r2dbc's {@code pg_catalog.set_config('lock_timeout', $1,
 * true)} do not set it; {@code set_config($1, ...)}, an {@code E'...'} or concatenated name, a backslash in the name
 * (read under either {@code standard_conforming_strings}), a quoted {@code "set_config"} or a mention in a comment or
 * a literal count as the session's own (REVIEW-33 R33-1). Reads the text only when such a report came; not a parse.
 */
final class ReadOnlyDefaultText {

    private static final String SET_CONFIG = "set_config";
    /** Words a text that changes the session's {@code default_transaction_read_only} other than by set_config contains. */
    private static final String[] SETTING_WORDS = {"default_transaction_read_only", "characteristics"};

    private ReadOnlyDefaultText() {
    }

    /** Whether {@code sql} (null: not known, a script's) may set the session's {@code default_transaction_read_only}. */
    static boolean maySet(String sql) {
        if (sql == null) {
            return true;
        }
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String word : SETTING_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        int mentions = 0;
        for (int at = lower.indexOf(SET_CONFIG); at >= 0; at = lower.indexOf(SET_CONFIG, at + 1)) {
            mentions++;
        }
        return mentions > 0 && callsNamingALiteral(sql) != mentions;
    }

    /**
     * How many {@code set_config} calls outside literals, quoted names and comments take a plain string literal without
     * a backslash as their whole first argument (the setting they name is not {@code default_transaction_read_only}:
     * {@link #maySet} looked for it first).
     */
    private static int callsNamingALiteral(String sql) {
        int calls = 0;
        int at = 0;
        int length = sql.length();
        while (at < length) {
            char c = sql.charAt(at);
            if (SqlTokens.isIdentifierStart(c)) {
                int end = wordEnd(sql, at);
                if (end - at == SET_CONFIG.length() && sql.regionMatches(true, at, SET_CONFIG, 0, SET_CONFIG.length())
                        && namesALiteral(sql, end)) {
                    calls++;
                }
                at = end;
            } else if (c == '\'' || c == '"') {
                at = orEnd(sql, SqlTokens.skipQuoted(sql, at, true));
            } else if (c == '$') {
                at = orEnd(sql, SqlTokens.skipDollarQuoted(sql, at));
            } else if (sql.startsWith("--", at) || sql.startsWith("/*", at)) {
                at = SqlTokens.skipBlanksAndComments(sql, at);
            } else {
                at++;
            }
        }
        return calls;
    }

    /** Whether {@code (} follows at {@code from}, then a plain literal without a backslash, then {@code ,}. */
    private static boolean namesALiteral(String sql, int from) {
        int at = SqlTokens.skipBlanksAndComments(sql, from);
        if (at >= sql.length() || sql.charAt(at) != '(') {
            return false;
        }
        at = SqlTokens.skipBlanksAndComments(sql, at + 1);
        if (at >= sql.length() || sql.charAt(at) != '\'') {
            return false;
        }
        int end = SqlTokens.skipQuoted(sql, at, true);
        if (end < 0 || sql.substring(at, end).indexOf('\\') >= 0) {
            return false;
        }
        at = SqlTokens.skipBlanksAndComments(sql, end);
        return at < sql.length() && sql.charAt(at) == ',';
    }

    private static int wordEnd(String sql, int start) {
        int end = start + 1;
        while (end < sql.length() && SqlTokens.isIdentifierPart(sql.charAt(end))) {
            end++;
        }
        return end;
    }

    private static int orEnd(String sql, int end) {
        return end < 0 ? sql.length() : end;
    }
}
