package io.pgconn.internal.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgException;
import io.pgconn.ServerErrorFields;

/**
 * A statement text that commits — {@code COMMIT}, {@code END}, {@code COMMIT PREPARED 'id'},
 * {@code COMMIT AND CHAIN}: its first keyword, after white space and comments — and what its failure
 * becomes when the session ended after it was written: the server may have committed and lost only the
 * answer, so the outcome is unknown ({@link PgCommitOutcomeUnknownException}, docs/query.md §5) — unless
 * the server itself ended the session in answer, which says it did not commit
 * ({@link #endedBeforeCommitting}). The one rule for {@code commit()}, {@code simpleQuery}, {@code query}
 * and {@code statement}; a script's statements are not looked into.
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
                && !endedBeforeCommitting(ended) && commits(sql)) {
            return new PgCommitOutcomeUnknownException(ended);
        }
        return failure;
    }

    /**
     * Whether the session ended on the server's own FATAL, which PostgreSQL raises only before a commit:
     * {@code CommitTransaction} holds interrupts ({@code HOLD_INTERRUPTS}) from before the commit record
     * to its end, and a failure after the record is a PANIC; so a FATAL answering the COMMIT (57P01 from
     * a terminate or a fast/smart shutdown, 25P03/25P04/57P05 sent before the COMMIT was read) means it
     * did not commit (REVIEW-9 F4). Not a PANIC, nor a FATAL of class 08 (connection exception): that is
     * a pooler's or proxy's word about the server connection it lost (pgbouncer's "server conn
     * crashed?"), which says nothing of the commit.
     */
    static boolean endedBeforeCommitting(PgClosedException ended) {
        ServerErrorFields fields = ended.serverFields();
        String code = fields.code();
        return fields.endsSession() && !"PANIC".equals(fields.severity()) && code != null && !code.startsWith("08");
    }

    /** Whether the text's first keyword is COMMIT or END (PostgreSQL's other spelling of COMMIT). */
    static boolean commits(String sql) {
        int i = SqlScanner.skipBlanksAndComments(sql, 0);
        return keywordAt(sql, i, "commit") || keywordAt(sql, i, "end");
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
