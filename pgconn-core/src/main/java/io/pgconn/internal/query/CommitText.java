package io.pgconn.internal.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgException;
import io.pgconn.PgOutcomeUnknownException;

/**
 * A statement text that commits — {@code COMMIT}, {@code END}, {@code COMMIT PREPARED 'id'},
 * {@code COMMIT AND CHAIN}: its first keyword, after white space and comments — and what its failure
 * becomes when the session ended after it was sent: the server may have committed and lost only the
 * answer, so the outcome is unknown ({@link PgCommitOutcomeUnknownException}, docs/query.md §5) — when
 * the session's end left the statement's outcome unknown ({@link PgOutcomeUnknownException}: sent, and the
 * server did not itself end the session before it completed, {@code internal.session.LostExchanges}, the
 * one rule), unless it had answered the commit already ({@link #answeredBeforeTheEnd}): then the outcome
 * is known. The one rule for {@code commit()}, {@code simpleQuery}, {@code query} and {@code statement};
 * a script's statements are not looked into.
 */
public final class CommitText {

    private CommitText() {
    }

    /**
     * @param answer the tag of the text's first CommandComplete read before the end, or null when none was
     * @return {@code failure}, or the commit's unknown outcome when {@code failure} leaves a commit text's outcome
     *         unknown and no answer of it was read
     */
    public static PgException failure(String sql, String answer, PgException failure) {
        if (answer == null && failure instanceof PgOutcomeUnknownException unknown
                && !(failure instanceof PgCommitOutcomeUnknownException) && commits(sql)) {
            return new PgCommitOutcomeUnknownException(unknown.sessionEnd());
        }
        return failure;
    }

    /**
     * Whether a commit text's session ended after the server had answered the commit: {@code answer} is the
     * tag of its CommandComplete, which PostgreSQL sends only once the commit is done ({@code COMMIT},
     * {@code COMMIT PREPARED}) or the failed transaction was rolled back ({@code ROLLBACK}) — before the
     * ReadyForQuery, and in the extended protocol before it even reads the Sync, so a terminate that comes
     * meanwhile sends its FATAL behind the answer (REVIEW-10 F1). Its outcome is the answer's, whatever
     * ended the session after it: a text of one statement completes with it; of several, the statements
     * after the commit are ordinary ones and {@code failure} stands for them.
     */
    public static boolean answeredBeforeTheEnd(String sql, String answer, PgException failure) {
        return answer != null && failure instanceof PgClosedException && commits(sql);
    }

    /** Whether the text's first keyword is COMMIT or END (PostgreSQL's other spelling of COMMIT). */
    static boolean commits(String sql) {
        return SqlScanner.firstKeywordIsOneOf(sql, "commit", "end");
    }
}
