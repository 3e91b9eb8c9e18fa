package io.pgconn.internal.query;

import java.util.List;
import java.util.Locale;

/**
 * Whether a statement can change only its session — nothing that outlives the session, whether it ran or not and
 * whatever was in flight around it — so that when the session ends before its answer, the answer's loss leaves
 * nothing to check and the statement can be repeated on a new connection (docs/query.md §5,
 * {@code internal.session.LostExchanges}). Its first keyword, after white space and comments, is one of:
 * <ul>
 *   <li>{@code BEGIN}, {@code START} ({@code START TRANSACTION}): a block the session's end rolls back;</li>
 *   <li>{@code SAVEPOINT}, {@code RELEASE}, {@code ROLLBACK} and {@code ABORT} (also {@code ROLLBACK TO}, {@code AND
 *       CHAIN}): nothing committed by them; not {@code ROLLBACK PREPARED}, which ends a prepared transaction for good;</li>
 *   <li>{@code SET} (also {@code LOCAL}, {@code ROLE}, {@code SESSION AUTHORIZATION}), {@code RESET}, {@code SHOW}:
 *       settings of the session; not {@code SET CONSTRAINTS}, which fires deferred triggers (user code);</li>
 *   <li>{@code LISTEN}, {@code UNLISTEN}: the session's own registration, dropped when it ends;</li>
 *   <li>{@code DEALLOCATE}, {@code DISCARD}, {@code PREPARE} (a statement, not run; not {@code PREPARE TRANSACTION}):
 *       the session's prepared statements, plans, temporary tables.</li>
 * </ul>
 * Everything else may outlive the session: {@code COMMIT}/{@code END}, {@code PREPARE TRANSACTION}, {@code COMMIT}/{@code
 * ROLLBACK PREPARED}, {@code NOTIFY} (a notification committed outside a block), a {@code SELECT} or {@code VALUES} (a
 * function it calls may write; {@code nextval} does), {@code EXECUTE}, {@code DECLARE ... WITH HOLD} and {@code FETCH}
 * (they run a query), {@code CALL}, {@code DO}, DML, DDL, anything not known. A word that excludes a form counts
 * anywhere in the statement (also in a literal or a name): a wrong "only the session" would let a retry repeat a
 * write, a wrong "may outlive it" costs an unknown outcome. A text of several statements counts only when each of them
 * does. Read only when a session is lost, never on the way to the server.
 */
public final class SessionOnlyText {

    private static final String[] SESSION_ONLY = {"begin", "start", "savepoint", "release", "rollback", "abort", "set", "reset",
            "show", "listen", "unlisten", "deallocate", "discard", "prepare"};

    private SessionOnlyText() {
    }

    /** One statement's text (see the class). */
    static boolean changesOnlyTheSession(String sql) {
        if (!SqlScanner.firstKeywordIsOneOf(sql, SESSION_ONLY)) {
            return false;
        }
        if (SqlScanner.firstKeywordIsOneOf(sql, "rollback")) {
            return !hasWord(sql, "prepared");
        }
        if (SqlScanner.firstKeywordIsOneOf(sql, "prepare")) {
            return !hasWord(sql, "transaction");
        }
        if (SqlScanner.firstKeywordIsOneOf(sql, "set")) {
            return !hasWord(sql, "constraints");
        }
        return true;
    }

    /** {@code word} anywhere in {@code sql}, as a word of its own or right after a {@code $}. */
    private static boolean hasWord(String sql, String word) {
        return SqlScanner.containsWord(sql.toLowerCase(Locale.ROOT), word, true);
    }

    /** A script's statements, each sent as it is: every one, and at least one. */
    static boolean changesOnlyTheSessionAll(List<String> statements) {
        if (statements.isEmpty()) {
            return false;
        }
        for (String statement : statements) {
            if (!changesOnlyTheSession(statement)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A simple query's text, which may hold several statements: every statement of it, the text split as with
     * {@code standard_conforming_strings} on and as with it off (a backslash in a literal splits the two differently;
     * both readings must agree).
     */
    public static boolean changesOnlyTheSessionAnywhere(String sql) {
        return changesOnlyTheSessionAll(SqlScanner.statements(sql, true)) && changesOnlyTheSessionAll(SqlScanner.statements(sql, false));
    }
}
