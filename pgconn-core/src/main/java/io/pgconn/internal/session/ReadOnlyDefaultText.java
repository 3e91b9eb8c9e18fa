package io.pgconn.internal.session;

import io.pgconn.query.SqlTokenWalker;
import io.pgconn.query.SqlTokenWalker.Kind;

import java.util.Locale;

/**
 * Whether a statement's SQL text may itself have set the session's {@code default_transaction_read_only}, so that the
 * server's report of it says nothing about the server ({@link ServerRoleChanges}). It may when the text names the
 * setting anywhere ({@code SET [LOCAL] default_transaction_read_only}, {@code set_config('default_transaction_read_only',
 * ...)}); when it holds {@code SET SESSION CHARACTERISTICS} (the word {@code characteristics} after {@code session}, or
 * anywhere in a string literal or dollar-quoted string, where dynamic SQL may build the command; not a
 * {@code products.characteristics} column, nor a comment: REVIEW-34 R34-8); or when it mentions {@code set_config}
 * other than as a call whose first argument is a plain string literal naming another setting: {@code
 * set_config('app.tenant', $1, true)} (the row-level-security tenant pattern) and pgconn-r2dbc's {@code
 * pg_catalog.set_config('lock_timeout', $1, true)} do not set it; {@code set_config($1, ...)}, an {@code E'...'} or
 * concatenated name, a backslash in the name (read under either {@code standard_conforming_strings}), a quoted {@code
 * "set_config"} or a mention in a comment or a literal count as the session's own (REVIEW-33 R33-1). Reads the text
 * only when such a report came, with the core's {@link SqlTokenWalker}; not a parse.
 */
final class ReadOnlyDefaultText {

    private static final String SETTING = "default_transaction_read_only";
    private static final String SET_CONFIG = "set_config";
    private static final String CHARACTERISTICS = "characteristics";

    private ReadOnlyDefaultText() {
    }

    /** Whether {@code sql} (null: not known, a script's) may set the session's {@code default_transaction_read_only}. */
    static boolean maySet(String sql) {
        if (sql == null) {
            return true;
        }
        String lower = sql.toLowerCase(Locale.ROOT);
        if (lower.contains(SETTING)) {
            return true;
        }
        int mentions = 0;
        for (int at = lower.indexOf(SET_CONFIG); at >= 0; at = lower.indexOf(SET_CONFIG, at + 1)) {
            mentions++;
        }
        if (mentions == 0 && !lower.contains(CHARACTERISTICS)) {
            return false;
        }
        SqlTokenWalker walker = new SqlTokenWalker(sql, true);
        int calls = 0;
        boolean afterSession = false;
        for (Kind kind = walker.next(); kind != Kind.END; kind = walker.next()) {
            if (walker.isWord(SET_CONFIG)) {
                if (!namesALiteral(walker)) {
                    return true; // a mention that is no such call: its mentions and calls cannot agree
                }
                calls++;
            } else if ((afterSession && walker.isWord(CHARACTERISTICS))
                    || ((kind == Kind.STRING || kind == Kind.DOLLAR_STRING)
                    && walker.text().toLowerCase(Locale.ROOT).contains(CHARACTERISTICS))) {
                return true;
            }
            afterSession = walker.isWord("session");
        }
        return calls != mentions;
    }

    /**
     * Whether the {@code set_config} word the walker is at is called with a plain literal without a backslash as its
     * whole first argument: {@code (}, the literal, {@code ,} (an {@code E}, {@code B}, {@code X} or {@code U&} prefix
     * is a word before the literal, so such a name is none). Walks past what it reads.
     */
    private static boolean namesALiteral(SqlTokenWalker walker) {
        if (walker.next() != Kind.OPEN || walker.next() != Kind.STRING || walker.text().indexOf('\\') >= 0
                || !walker.complete()) {
            return false;
        }
        return walker.next() == Kind.OTHER && walker.text().equals(",");
    }
}
