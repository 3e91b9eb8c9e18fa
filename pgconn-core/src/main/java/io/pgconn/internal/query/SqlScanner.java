package io.pgconn.internal.query;

import io.pgconn.query.SqlShape;
import io.pgconn.query.SqlTokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one SQL text the way PostgreSQL's lexer does as far as {@code $n} placeholders and statement
 * ends go: they do not count inside string literals ({@code '...'}, {@code E'...'}, {@code B'...'},
 * {@code X'...'}, {@code U&'...'}), quoted identifiers, dollar-quoted strings ({@code $$ ... $$},
 * {@code $tag$ ... $tag$}), {@code --} and (nested) {@code /* *}{@code /} comments, nor (for
 * semicolons) inside parentheses (a {@code CREATE RULE}'s action list) or inside the
 * {@code BEGIN ATOMIC ... END} body of a {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE} (PostgreSQL
 * 14's SQL-standard bodies, read with the heuristic psql's lexer uses). With
 * {@code standard_conforming_strings = off} a backslash escapes the next character in plain
 * {@code '...'} literals too, as it always does in {@code E'...'}. The one scanner of the project:
 * the core's parameter-count check and the R2DBC layer's statements and script splitting use it. Where
 * a literal, quoted identifier, dollar quote or comment ends is {@link SqlTokens}' (public: the starter
 * names a statement's operation with it), so there is one lexer.
 */
public final class SqlScanner {

    /** PostgreSQL's Bind carries at most this many parameters (an Int16 count). */
    static final int MAX_PARAMETERS = 65535;

    private SqlScanner() {
    }

    /** The placeholders and statements of {@code sql}; allocates only the result. */
    public static SqlShape shape(String sql, boolean standardConformingStrings) {
        return scan(sql, standardConformingStrings, null);
    }

    /**
     * The statements of {@code sql}, split at each top-level {@code ;}, stripped; pieces holding only
     * blanks and comments are left out. The extended query protocol takes one statement at a time.
     */
    public static List<String> statements(String sql, boolean standardConformingStrings) {
        List<int[]> pieces = new ArrayList<>();
        scan(sql, standardConformingStrings, pieces);
        List<String> statements = new ArrayList<>(pieces.size());
        for (int[] piece : pieces) {
            statements.add(sql.substring(piece[0], piece[1]).strip());
        }
        return statements;
    }

    /** One pass; fills {@code pieces} ([start, end) of each statement with a token) when given. */
    private static SqlShape scan(String sql, boolean standardConformingStrings, List<int[]> pieces) {
        int highest = 0;
        int statements = 0;
        boolean complete = true;
        boolean token = false; // the current statement has something besides blanks and comments
        int pieceStart = 0;
        int depth = 0;
        int lead = LEAD_NONE; // the statement's first words (routine bodies, below)
        int body = 0; // BEGIN ... END levels of a routine body
        int i = 0;
        int length = sql.length();
        while (i < length) {
            char c = sql.charAt(i);
            int next;
            boolean isToken = true;
            if (c == '\'' || c == '"') {
                next = SqlTokens.skipQuoted(sql, i, standardConformingStrings);
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                next = SqlTokens.skipLineComment(sql, i);
                isToken = false;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                next = SqlTokens.skipBlockComment(sql, i);
                isToken = false;
            } else if (c == '$' && (i == 0 || !SqlTokens.isIdentifierPart(sql.charAt(i - 1)))) {
                if (i + 1 < length && isDigit(sql.charAt(i + 1))) {
                    next = i + 1;
                    long index = 0;
                    while (next < length && isDigit(sql.charAt(next))) {
                        index = Math.min(index * 10 + (sql.charAt(next) - '0'), Integer.MAX_VALUE);
                        next++;
                    }
                    highest = Math.max(highest, (int) index);
                } else {
                    next = SqlTokens.skipDollarQuoted(sql, i);
                }
            } else if (SqlTokens.isIdentifierStart(c)) {
                next = i + 1;
                while (next < length && SqlTokens.isIdentifierPart(sql.charAt(next))) {
                    next++;
                }
                lead = lead(lead, sql, i, next);
                if (lead == LEAD_ROUTINE && depth == 0) {
                    body = bodyDepth(body, sql, i, next);
                }
            } else if (c == ';' && depth == 0 && body == 0) {
                lead = LEAD_NONE;
                if (token) {
                    statements++;
                    if (pieces != null) {
                        pieces.add(new int[]{pieceStart, i});
                    }
                }
                token = false;
                pieceStart = i + 1;
                i++;
                continue;
            } else {
                if (c == '(') {
                    depth++;
                } else if (c == ')' && depth > 0) {
                    depth--;
                }
                isToken = !Character.isWhitespace(c);
                next = i + 1;
            }
            if (next < 0) { // an unterminated literal, identifier or comment: it runs to the end
                complete = false;
                next = length;
            }
            token |= isToken;
            i = next;
        }
        if (body > 0) { // a routine body's END is missing (psql would wait for more lines)
            complete = false;
        }
        if (token) {
            statements++;
            if (pieces != null) {
                pieces.add(new int[]{pieceStart, length});
            }
        }
        return new SqlShape(highest, statements, complete);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Whether {@code word} occurs in {@code text} as a word of its own: not inside a longer keyword or unquoted
     * identifier (letters, digits, {@code _}, {@code $}). Both in one case already (the caller lower-cases once for
     * several words). Anywhere in the text: in a literal or a comment too.
     */
    public static boolean containsWord(String text, String word) {
        return containsWord(text, word, false);
    }

    /**
     * {@link #containsWord(String, String)}, where with {@code afterADollarToo} the word also counts right after a
     * {@code $}: a {@code $} continues an identifier ({@code x$returning}) but also closes a dollar-quoted literal,
     * after which a keyword may follow at once ({@code $$x$$RETURNING id} returns rows), and the two are not told
     * apart. For a caller to whom a word missed costs more than one found at the end of an identifier.
     */
    public static boolean containsWord(String text, String word, boolean afterADollarToo) {
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            int end = i + word.length();
            boolean startsAWord = i == 0 || !SqlTokens.isIdentifierPart(text.charAt(i - 1)) || afterADollarToo && text.charAt(i - 1) == '$';
            if (startsAWord && (end == text.length() || !SqlTokens.isIdentifierPart(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the text's first keyword, after white space and comments, is one of {@code keywords} (lower case). */
    static boolean firstKeywordIsOneOf(String sql, String... keywords) {
        int i = SqlTokens.skipBlanksAndComments(sql, 0);
        for (String keyword : keywords) {
            int end = i + keyword.length();
            if (sql.regionMatches(true, i, keyword, 0, keyword.length())
                    && (end == sql.length() || !SqlTokens.isIdentifierPart(sql.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /*
     * Routine bodies. CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END
     * is one statement to the server. Short of parsing, the words are read as psql's lexer reads them
     * (the server's grammar is the authority; psql is what a script author checks a script with): when
     * a statement's first words are CREATE, optionally OR REPLACE, then FUNCTION or PROCEDURE, each
     * top-level (outside parentheses) BEGIN opens a body level, CASE opens one inside a body (it also
     * closes with END), and END closes one; a semicolon inside a level does not end the statement.
     * Words inside literals, quoted identifiers, dollar quotes and comments never get here, so a
     * PL/pgSQL body in $$ ... $$ is read as before.
     */

    /** The lead of a statement so far: nothing read yet, CREATE, CREATE OR, CREATE OR REPLACE, a routine, anything else. */
    private static final int LEAD_NONE = 0, LEAD_CREATE = 1, LEAD_OR = 2, LEAD_REPLACE = 3, LEAD_ROUTINE = 4, LEAD_OTHER = 5;

    /** The lead after the word [start, end). */
    private static int lead(int lead, String sql, int start, int end) {
        return switch (lead) {
            case LEAD_NONE -> is(sql, start, end, "create") ? LEAD_CREATE : LEAD_OTHER;
            case LEAD_CREATE -> routine(sql, start, end) ? LEAD_ROUTINE : is(sql, start, end, "or") ? LEAD_OR : LEAD_OTHER;
            case LEAD_OR -> is(sql, start, end, "replace") ? LEAD_REPLACE : LEAD_OTHER;
            case LEAD_REPLACE -> routine(sql, start, end) ? LEAD_ROUTINE : LEAD_OTHER;
            default -> lead;
        };
    }

    /** The body depth after the word [start, end) of a CREATE FUNCTION|PROCEDURE statement, outside parentheses. */
    private static int bodyDepth(int depth, String sql, int start, int end) {
        if (is(sql, start, end, "begin")) {
            return depth + 1;
        }
        if (is(sql, start, end, "case")) {
            return depth > 0 ? depth + 1 : 0;
        }
        if (is(sql, start, end, "end")) {
            return Math.max(depth - 1, 0);
        }
        return depth;
    }

    private static boolean routine(String sql, int start, int end) {
        return is(sql, start, end, "function") || is(sql, start, end, "procedure");
    }

    private static boolean is(String sql, int start, int end, String keyword) {
        return end - start == keyword.length() && sql.regionMatches(true, start, keyword, 0, keyword.length());
    }
}
