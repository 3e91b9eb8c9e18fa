package io.pgconn.r2dbc;

import io.pgconn.query.SqlTokenWalker;
import io.pgconn.query.SqlTokens;

import java.util.Set;

/**
 * Whether {@code RETURNING} may be appended to a statement ({@code Statement.returnGeneratedValues}): its main
 * command is an {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code MERGE} (the core's
 * {@link SqlTokens#mainKeyword}: a {@code WITH} statement by its main statement) and it has no top-level
 * {@code RETURNING} of its own — outside parentheses, literals, quoted names and comments, walked with the core's
 * {@link SqlTokenWalker}. Anything else would reach the server as a 42601 "syntax error at or near RETURNING" about
 * text the application never wrote (REVIEW-20 R7).
 */
final class ReturningClause {

    private static final Set<String> COMMANDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

    private ReturningClause() {
    }

    /** Why {@code RETURNING} cannot be appended to {@code sql}, or {@code null} when it can. */
    static String refusal(String sql, boolean standardConformingStrings) {
        String command = SqlTokens.mainKeyword(sql);
        if (!COMMANDS.contains(command)) {
            return "the statement is " + (command.isEmpty() ? "no command" : "a " + command)
                    + ", not an INSERT, UPDATE, DELETE or MERGE, so it has no RETURNING clause to generate values";
        }
        if (hasTopLevelReturning(sql, standardConformingStrings)) {
            return "the statement has a RETURNING clause already: its columns are the generated values, call"
                    + " returnGeneratedValues only for a statement without one";
        }
        return null;
    }

    private static boolean hasTopLevelReturning(String sql, boolean standardConformingStrings) {
        SqlTokenWalker walker = new SqlTokenWalker(sql, standardConformingStrings);
        for (SqlTokenWalker.Kind kind = walker.next(); kind != SqlTokenWalker.Kind.END; kind = walker.next()) {
            if (walker.depth() == 0 && walker.isWord("RETURNING")) {
                return true;
            }
        }
        return false;
    }
}
