package io.pgconn.internal.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgException;

/**
 * A statement text that commits — {@code COMMIT}, {@code END}, {@code COMMIT PREPARED 'id'},
 * {@code COMMIT AND CHAIN}: its first keyword, after white space and comments — and what its failure
 * becomes when the session ended after it was written: the server may have committed and lost only the
 * answer, so the outcome is unknown ({@link PgCommitOutcomeUnknownException}, docs/query.md §5). The one
 * rule for {@code commit()}, {@code simpleQuery}, {@code query} and {@code statement}; a script's
 * statements are not looked into.
 */
public final class CommitText {

    private CommitText() {
    }

    /**
     * @param written whether the statement was written before the session ended
     * @return {@code failure}, or the unknown outcome when a written commit's session ended
     */
    public static PgException failure(String sql, boolean written, PgException failure) {
        if (written && failure instanceof PgClosedException ended && !(failure instanceof PgCommitOutcomeUnknownException)
                && commits(sql)) {
            return new PgCommitOutcomeUnknownException(ended);
        }
        return failure;
    }

    /** Whether the text's first keyword is COMMIT or END (PostgreSQL's other spelling of COMMIT). */
    static boolean commits(String sql) {
        int i = firstToken(sql);
        return keywordAt(sql, i, "commit") || keywordAt(sql, i, "end");
    }

    /** Where the first token starts: after white space, {@code --} line comments and nested block comments. */
    private static int firstToken(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                i = afterBlockComment(sql, i);
            } else {
                return i;
            }
        }
        return n;
    }

    /** PostgreSQL's block comments nest. */
    private static int afterBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static boolean keywordAt(String sql, int i, String keyword) {
        int end = i + keyword.length();
        return sql.regionMatches(true, i, keyword, 0, keyword.length())
                && (end == sql.length() || !isIdentifierPart(sql.charAt(end)));
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
