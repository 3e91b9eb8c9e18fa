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
 * ({@link #endedBeforeCommitting}), or it had answered the commit already ({@link #answeredBeforeTheEnd}):
 * then the outcome is known. The one rule for {@code commit()}, {@code simpleQuery}, {@code query} and
 * {@code statement}; a script's statements are not looked into.
 */
public final class CommitText {

    private CommitText() {
    }

    /**
     * @param written whether the statement was written before the session ended
     * @param answer the tag of the text's first CommandComplete read before the end, or null when none was
     * @return {@code failure}, or the unknown outcome when a written commit's session ended before its answer
     */
    public static PgException failure(String sql, boolean written, String answer, PgException failure) {
        if (written && answer == null && failure instanceof PgClosedException ended
                && !(failure instanceof PgCommitOutcomeUnknownException) && !endedBeforeCommitting(ended) && commits(sql)) {
            return new PgCommitOutcomeUnknownException(ended);
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
        return SqlScanner.firstKeywordIsOneOf(sql, "commit", "end");
    }
}
