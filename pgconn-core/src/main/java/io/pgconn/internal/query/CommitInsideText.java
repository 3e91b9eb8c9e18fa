package io.pgconn.internal.query;

import java.util.List;

/**
 * Whether a text may commit inside its own statement: a {@code CALL} of a procedure or a {@code DO} block run outside
 * a transaction block may {@code COMMIT} (PostgreSQL 11+ transaction control), and its one CommandComplete comes only
 * at its end. So a session the server ended before that CommandComplete does not prove such a statement took no
 * effect (docs/query.md §5, {@code LostExchanges}). One statement: its first keyword, after white space and comments,
 * is {@code CALL} or {@code DO}. Read only when a session is lost, never on the way to the server.
 */
public final class CommitInsideText {

    private static final String[] COMMITTING = {"call", "do"};

    private CommitInsideText() {
    }

    /** One statement's text (the extended protocol's): its first keyword. */
    static boolean mayCommit(String sql) {
        return SqlScanner.firstKeywordIsOneOf(sql, COMMITTING);
    }

    /** A script's statements, each sent as it is: any one's first keyword. */
    static boolean mayCommitAny(List<String> statements) {
        for (String statement : statements) {
            if (mayCommit(statement)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A simple query's text, which may hold several statements: the first keyword of any of them, the text split as
     * with {@code standard_conforming_strings} on and as with it off (a backslash in a literal splits the two
     * differently; a statement either reading finds counts).
     */
    public static boolean mayCommitAnywhere(String sql) {
        return mayCommitAny(SqlScanner.statements(sql, true)) || mayCommitAny(SqlScanner.statements(sql, false));
    }
}
