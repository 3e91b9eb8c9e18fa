package io.pgconn.query;

/**
 * What the connection's scanner sees in one SQL text, read as PostgreSQL's lexer reads it: string
 * literals ({@code '...'}, {@code E'...'}, with backslash escapes in plain ones while the server's
 * {@code standard_conforming_strings} is {@code off}), quoted identifiers, dollar-quoted strings and
 * comments hide placeholders and semicolons.
 *
 * @param parameterCount the highest {@code $n} (0 when none): the parameters the statement takes
 * @param statementCount the statements, split at top-level {@code ;} (blank ones not counted)
 * @param complete       false when the text ends inside a literal, quoted identifier or comment
 *                       (the server will reject it; the counts are then what was seen before)
 */
public record SqlShape(int parameterCount, int statementCount, boolean complete) {

    /**
     * Whether {@link #parameterCount()} is certainly what the server will ask for: one complete
     * statement. Parameter counts are checked before sending only then; other texts are left to the
     * server to judge.
     */
    public boolean certain() {
        return complete && statementCount <= 1;
    }
}
