package io.pgconn.internal.query;

import java.util.List;
import java.util.Locale;

/**
 * Whether a text may end a transaction block. One statement: its first keyword, after white space and
 * comments, is {@code COMMIT}, {@code END}, {@code ROLLBACK}, {@code ABORT} or {@code PREPARE} ({@code PREPARE
 * TRANSACTION}). Inside a transaction block nothing else ends it (a procedure's or DO block's COMMIT is refused
 * there). A few texts that do not end one are counted too ({@code ROLLBACK TO SAVEPOINT}, {@code COMMIT AND
 * CHAIN}, {@code PREPARE name AS}): that costs the type lookup waiting for the end one more wait, nothing else
 * (docs/codecs.md, "Types created while the application runs"). A miss would cost more: the lookup would wait
 * for a transaction end that already came, and the session would keep its stale answer.
 */
public final class TransactionEndText {

    private static final String[] ENDING = {"commit", "end", "rollback", "abort", "prepare"};

    private TransactionEndText() {
    }

    /** One statement's text (the extended protocol's): its first keyword. */
    static boolean mayEnd(String sql) {
        return SqlScanner.firstKeywordIsOneOf(sql, ENDING);
    }

    /** A script's statements, each sent as it is: any one's first keyword. */
    static boolean mayEndAny(List<String> statements) {
        for (String statement : statements) {
            if (mayEnd(statement)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A simple query's text, which may hold several statements: one of the words anywhere in it, as a word of its
     * own or right after a {@code $} ({@link SqlScanner#containsWord(String, String, boolean)}). No statement
     * boundary is read, so none can be misread: a word in a literal, a comment or a {@code CASE ... END} counts
     * too, and costs what every simple query cost before (REVIEW-13 L2).
     */
    public static boolean mayEndAnywhere(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String word : ENDING) {
            if (SqlScanner.containsWord(lower, word, true)) {
                return true;
            }
        }
        return false;
    }
}
