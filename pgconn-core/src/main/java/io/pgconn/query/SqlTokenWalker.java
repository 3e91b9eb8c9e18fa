package io.pgconn.query;

import java.util.Locale;

/**
 * Walks a SQL text token by token, past white space and comments, with {@link SqlTokens}' ends of literals, quoted
 * identifiers, dollar quotes and comments: a word, a parenthesis or a semicolon inside one of them is never a token of
 * its own. The one walk of the project's readers of a text's words — the R2DBC driver's {@code RETURNING} check, the
 * core's reading of a text that ends a transaction or may set the session's read-only default, the Parse's
 * NULL-tested parameters — so each says only what
 * it looks for ({@link SqlTokens#mainKeyword(String)}, run for every statement the starter observes, keeps its own
 * allocation-free walk; its test checks it reads the first word as this does). Not a parse: a word is any keyword or unquoted
 * identifier, and anything else that is no literal, quoted name, dollar quote, {@code $n} or parenthesis is one
 * character ({@link Kind#OTHER}). Not thread-safe: one walker per walk. Public because pgconn-r2dbc reads with it
 * (the core exports only its API packages); the kinds of tokens are a reading aid for pgconn's own readers, not a
 * stable grammar — an operator's characters may become one token in a later version (REVIEW-34b R34b-7).
 *
 * <pre>{@code
 * SqlTokenWalker walker = new SqlTokenWalker(sql, true);
 * for (Kind kind = walker.next(); kind != Kind.END; kind = walker.next()) {
 *     if (kind == Kind.WORD && walker.depth() == 0 && walker.isWord("RETURNING")) { ... }
 * }
 * }</pre>
 */
public final class SqlTokenWalker {

    /** What the current token is. */
    public enum Kind {
        /** A keyword or unquoted identifier: a letter or {@code _}, then letters, digits, {@code _}, {@code $}. */
        WORD,
        /**
         * A string literal from its opening {@code '}; a prefix ({@code E}, {@code B}, {@code X}, {@code U&}) is the
         * token before it, though it decides the backslash escapes.
         */
        STRING,
        /** A quoted identifier, {@code "..."}. */
        QUOTED_NAME,
        /** A dollar-quoted string, {@code $$...$$} or {@code $tag$...$tag$}. */
        DOLLAR_STRING,
        /** A placeholder, {@code $} and its digits. */
        PARAMETER,
        /** {@code (}; its {@link #depth()} is the level it opens from. */
        OPEN,
        /** {@code )}; its {@link #depth()} is the level it closes back to (never below 0). */
        CLOSE,
        /** {@code ;}. */
        SEMICOLON,
        /** Any other character that is not white space: an operator's, a comma, a digit. */
        OTHER,
        /** No token left. */
        END
    }

    private final String sql;
    private final boolean standardConformingStrings;
    private Kind kind;
    private int start;
    private int end;
    private int depth;
    private boolean complete = true;

    /**
     * @param standardConformingStrings the server's setting: while false a backslash escapes the next character in a
     *                                  plain {@code '...'} literal too ({@link SqlTokens#skipQuoted})
     */
    public SqlTokenWalker(String sql, boolean standardConformingStrings) {
        this.sql = sql;
        this.standardConformingStrings = standardConformingStrings;
    }

    /** Moves to the next token past white space and comments and says what it is; {@link Kind#END} at the text's end. */
    public Kind next() {
        if (kind == Kind.OPEN) { // a ")" took its level off when it was read
            depth++;
        }
        int at = skipBlanksAndComments(end);
        start = at;
        if (at >= sql.length()) {
            end = at;
            return kind = Kind.END;
        }
        char c = sql.charAt(at);
        if (SqlTokens.isIdentifierStart(c)) {
            int to = at + 1;
            while (to < sql.length() && SqlTokens.isIdentifierPart(sql.charAt(to))) {
                to++;
            }
            return token(Kind.WORD, to);
        }
        switch (c) {
            case '\'':
                return token(Kind.STRING, SqlTokens.skipQuoted(sql, at, standardConformingStrings));
            case '"':
                return token(Kind.QUOTED_NAME, SqlTokens.skipQuoted(sql, at, standardConformingStrings));
            case '$':
                return dollar(at);
            case '(':
                return token(Kind.OPEN, at + 1);
            case ')':
                depth = Math.max(0, depth - 1);
                return token(Kind.CLOSE, at + 1);
            case ';':
                return token(Kind.SEMICOLON, at + 1);
            default:
                return token(Kind.OTHER, at + 1);
        }
    }

    /** The current token's kind; null before the first {@link #next()}. */
    public Kind kind() {
        return kind;
    }

    /** Where the current token starts. */
    public int start() {
        return start;
    }

    /** Past the current token (the text's length when it runs to the end unterminated). */
    public int end() {
        return end;
    }

    /** How many parentheses are open around the current token, outside literals, quoted names and comments. */
    public int depth() {
        return depth;
    }

    /** The current token as written. */
    public String text() {
        return sql.substring(start, end);
    }

    /** Whether the current token is the word {@code keyword}, in any case (a quoted name never is). */
    public boolean isWord(String keyword) {
        return kind == Kind.WORD && end - start == keyword.length() && sql.regionMatches(true, start, keyword, 0, keyword.length());
    }

    /** The current word in upper case, as {@link SqlTokens#firstKeyword} gives it; null when the token is no word. */
    public String word() {
        return kind == Kind.WORD ? text().toUpperCase(Locale.ROOT) : null;
    }

    /**
     * Whether every literal, quoted name, dollar quote and comment walked so far was closed: false once one ran to the
     * text's end (the server refuses such a text).
     */
    public boolean complete() {
        return complete;
    }

    private Kind token(Kind found, int tokenEnd) {
        if (tokenEnd < 0) {
            complete = false;
            tokenEnd = sql.length();
        }
        end = tokenEnd;
        return kind = found;
    }

    /** A {@code $n} placeholder, a dollar-quoted string, or a lone {@code $}. */
    private Kind dollar(int at) {
        int to = at + 1;
        while (to < sql.length() && sql.charAt(to) >= '0' && sql.charAt(to) <= '9') {
            to++;
        }
        if (to > at + 1) {
            return token(Kind.PARAMETER, to);
        }
        int quoted = SqlTokens.skipDollarQuoted(sql, at);
        return quoted == at + 1 ? token(Kind.OTHER, quoted) : token(Kind.DOLLAR_STRING, quoted);
    }

    /** Past white space and comments as {@link SqlTokens#skipBlanksAndComments} reads them, noting an unclosed comment. */
    private int skipBlanksAndComments(int from) {
        int at = SqlTokens.skipBlanksAndCommentsOrUnclosed(sql, from);
        if (at < 0) {
            complete = false;
            return sql.length();
        }
        return at;
    }
}
