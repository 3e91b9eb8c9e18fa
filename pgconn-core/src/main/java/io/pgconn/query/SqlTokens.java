package io.pgconn.query;

import java.util.Locale;

/**
 * Reads a SQL text's tokens as PostgreSQL's lexer
 * (<a href="https://www.postgresql.org/docs/current/sql-syntax-lexical.html">SQL syntax, lexical structure</a>)
 * does as far as their ends go: string literals ({@code '...'}, {@code E'...'} with backslash escapes,
 * {@code B'...'}, {@code X'...'}, {@code U&'...'}), quoted identifiers ({@code "..."}), dollar-quoted strings
 * ({@code $$...$$}, {@code $tag$...$tag$}), {@code --} comments and nested {@code /* *}{@code /} comments — so a
 * keyword, a parenthesis or a semicolon inside one of them is not taken for one. Not a parse.
 * <p>
 * Two uses: {@link #firstKeyword(String)} and {@link #mainKeyword(String)} name the command a statement runs (the
 * Spring Boot starter's {@code db.operation.name}, an application's own metrics or routing), and the skip methods
 * are the lexing the connection's own scanner (placeholders, statement splitting; {@link SqlShape}) and the
 * token-by-token {@link SqlTokenWalker} are built on: one lexer for the project. Static, thread-safe, no allocation
 * but the keywords returned: the keyword methods keep their own walk, as they run for every statement the starter's
 * metrics observe (a {@link SqlTokenWalker} there cost 40 bytes and about a tenth more time a call).
 */
public final class SqlTokens {

    /** What may follow a WITH list: the main statement of a statement that starts with WITH. */
    private static final String[] MAIN_STATEMENTS = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE"};

    private SqlTokens() {
    }

    /**
     * The statement's first keyword in upper case: the first word past white space, comments and opening
     * parentheses ({@code (SELECT 1) UNION (SELECT 2)} is a {@code SELECT}); empty when the text starts with
     * anything else — a literal, a quoted name, nothing. Any word: whether it is a command is the caller's to judge.
     */
    public static String firstKeyword(String sql) {
        int at = firstWordStart(sql);
        return at < 0 ? "" : sql.substring(at, wordEnd(sql, at)).toUpperCase(Locale.ROOT);
    }

    /**
     * The keyword of the statement that runs: {@link #firstKeyword(String)}, except that a statement starting with
     * {@code WITH} is named by its main statement — the first {@code SELECT}, {@code INSERT}, {@code UPDATE},
     * {@code DELETE}, {@code MERGE}, {@code VALUES} or {@code TABLE} outside parentheses, literals, quoted names and
     * comments that is not the name of one of the WITH list's queries ({@code WITH gone AS (UPDATE ...) UPDATE ...}
     * is an {@code UPDATE}; {@code WITH update AS (...) INSERT ...} an {@code INSERT}). {@code WITH} when none is
     * found. Literals are read with {@code standard_conforming_strings} on, the server's default.
     */
    public static String mainKeyword(String sql) {
        int first = firstWordStart(sql);
        if (first < 0 || !isWord(sql, first, wordEnd(sql, first), "WITH")) {
            return firstKeyword(sql);
        }
        int at = first + 4;
        int depth = 0;
        boolean nameExpected = true; // after WITH, RECURSIVE or a top-level comma comes a query's name
        while (at < sql.length()) {
            char c = sql.charAt(at);
            if (isIdentifierStart(c)) {
                int end = wordEnd(sql, at);
                if (depth == 0) {
                    String main = nameExpected ? null : keywordAt(sql, at, end, MAIN_STATEMENTS);
                    if (main != null) {
                        return main;
                    }
                    nameExpected = isWord(sql, at, end, "RECURSIVE");
                }
                at = end;
            } else if (c == '(') {
                depth++;
                at++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
                nameExpected = false;
                at++;
            } else if (c == ',' && depth == 0) {
                nameExpected = true;
                at++;
            } else if (c == '\'' || c == '"') {
                nameExpected &= depth > 0; // a quoted query name
                at = orEnd(sql, skipQuoted(sql, at, true));
            } else if (c == '$') {
                at = orEnd(sql, skipDollarQuoted(sql, at));
            } else if (sql.startsWith("--", at) || sql.startsWith("/*", at)) {
                at = skipBlanksAndComments(sql, at);
            } else {
                at++;
            }
        }
        return "WITH";
    }

    /**
     * Where the next token starts at or after {@code from}: past white space, {@code --} line comments and block
     * comments, which nest (a comment inside one does not end it); the text's length when none.
     */
    public static int skipBlanksAndComments(String sql, int from) {
        return orEnd(sql, skipBlanksAndCommentsOrUnclosed(sql, from));
    }

    /** As {@link #skipBlanksAndComments}, but -1 when a block comment runs to the text's end unclosed ({@link SqlTokenWalker#complete()}). */
    static int skipBlanksAndCommentsOrUnclosed(String sql, int from) {
        int at = from;
        while (at < sql.length()) {
            char c = sql.charAt(at);
            if (Character.isWhitespace(c)) {
                at++;
            } else if (sql.startsWith("--", at)) {
                at = skipLineComment(sql, at);
            } else if (sql.startsWith("/*", at)) {
                at = skipBlockComment(sql, at);
                if (at < 0) {
                    return -1;
                }
            } else {
                return at;
            }
        }
        return at;
    }

    /**
     * Past the {@code --} comment that starts at {@code at}: past its line's end, a {@code \n} or a {@code \r} as in
     * PostgreSQL's lexer ({@code newline [\n\r]}; AUDIT-15 L3: a text with CR-only line ends); the text's length when
     * no line end follows.
     */
    public static int skipLineComment(String sql, int at) {
        expect(sql, at, "--");
        for (int i = at + 2; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\n' || c == '\r') {
                return i + 1;
            }
        }
        return sql.length();
    }

    /**
     * Past the block comment whose opening {@code /*} is at {@code start} (as every skip here takes the index of the
     * token's opening mark); they nest. -1 when the text ends inside it.
     *
     * @throws IllegalArgumentException when no {@code /*} is at {@code start}
     */
    public static int skipBlockComment(String sql, int start) {
        expect(sql, start, "/*");
        int depth = 1;
        int at = start + 2;
        while (at < sql.length()) {
            if (sql.startsWith("/*", at)) {
                depth++;
                at += 2;
            } else if (sql.startsWith("*/", at)) {
                if (--depth == 0) {
                    return at + 2;
                }
                at += 2;
            } else {
                at++;
            }
        }
        return -1;
    }

    /**
     * Past the string literal or quoted identifier whose opening quote ({@code '} or {@code "}) is at {@code quote}; a
     * doubled quote is one character of it. A backslash escapes the next character in {@code E'...'} always and in a
     * plain {@code '...'} while {@code standardConformingStrings} is false; never in {@code B'...'}, {@code X'...'},
     * {@code U&'...'} or a quoted identifier. -1 when the text ends first.
     *
     * @throws IllegalArgumentException when no {@code '} or {@code "} is at {@code quote}
     */
    public static int skipQuoted(String sql, int quote, boolean standardConformingStrings) {
        char mark = quote >= 0 && quote < sql.length() ? sql.charAt(quote) : 0;
        if (mark != '\'' && mark != '"') {
            throw new IllegalArgumentException("no quote (' or \") at index " + quote + " of a text of " + sql.length()
                    + " characters");
        }
        boolean backslashEscapes = mark == '\'' && backslashEscapes(sql, quote, standardConformingStrings);
        int at = quote + 1;
        int length = sql.length();
        while (at < length) {
            char c = sql.charAt(at);
            if (backslashEscapes && c == '\\') {
                at += 2;
            } else if (c == mark) {
                if (at + 1 < length && sql.charAt(at + 1) == mark) {
                    at += 2;
                } else {
                    return at + 1;
                }
            } else {
                at++;
            }
        }
        return -1;
    }

    /**
     * Past the dollar-quoted string opened at {@code start} ({@code $tag$ ... $tag$}; the tag may be empty and never
     * starts with a digit); {@code start + 1} when no quote opens there (a lone {@code $}). -1 when the closing tag is
     * missing (a dollar quote is at least four characters, {@code $$$$}, so {@code start + 1} says only "none"). A
     * {@code $n} parameter is the caller's to tell apart first.
     *
     * @throws IllegalArgumentException when no {@code $} is at {@code start}
     */
    public static int skipDollarQuoted(String sql, int start) {
        expect(sql, start, "$");
        int tagEnd = start + 1;
        while (tagEnd < sql.length() && (Character.isLetterOrDigit(sql.charAt(tagEnd)) || sql.charAt(tagEnd) == '_')) {
            tagEnd++;
        }
        if (tagEnd >= sql.length() || sql.charAt(tagEnd) != '$' || (tagEnd > start + 1 && isDigit(sql.charAt(start + 1)))) {
            return start + 1;
        }
        String tag = sql.substring(start, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? -1 : close + tag.length();
    }

    /** What starts a keyword or an unquoted identifier ({@code ident_start} of PostgreSQL's lexer). */
    public static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    /** What continues a keyword or an unquoted identifier ({@code ident_cont}): also digits and {@code $}. */
    public static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * {@code E'...'} always; a plain {@code '...'} (or {@code N'...'}) while standard_conforming_strings
     * is off; never {@code B'...'}, {@code X'...'} or {@code U&'...'}, whose lexer states take no escapes.
     */
    private static boolean backslashEscapes(String sql, int quote, boolean standardConformingStrings) {
        char before = quote > 0 ? sql.charAt(quote - 1) : ' ';
        boolean prefixed = quote > 0 && isIdentifierPart(before) && (quote < 2 || !isIdentifierPart(sql.charAt(quote - 2)));
        if (prefixed && (before == 'E' || before == 'e')) {
            return true;
        }
        if (prefixed && (before == 'B' || before == 'b' || before == 'X' || before == 'x')) {
            return false;
        }
        if (before == '&' && quote > 1 && (sql.charAt(quote - 2) == 'U' || sql.charAt(quote - 2) == 'u')
                && (quote < 3 || !isIdentifierPart(sql.charAt(quote - 3)))) { // U&'...' starts a word: xu&'a' is xu & 'a'
            return false;
        }
        return !standardConformingStrings;
    }

    private static void expect(String sql, int at, String mark) {
        if (at < 0 || !sql.startsWith(mark, at)) {
            throw new IllegalArgumentException("no " + mark + " at index " + at + " of a text of " + sql.length() + " characters");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int orEnd(String sql, int end) {
        return end < 0 ? sql.length() : end;
    }

    private static int wordEnd(String sql, int start) {
        int end = start;
        while (end < sql.length() && isIdentifierPart(sql.charAt(end))) {
            end++;
        }
        return end;
    }

    /** Where the first word starts past white space, comments and opening parentheses; -1 when something else is first. */
    private static int firstWordStart(String sql) {
        int at = skipBlanksAndComments(sql, 0);
        while (at < sql.length() && sql.charAt(at) == '(') {
            at = skipBlanksAndComments(sql, at + 1);
        }
        return at < sql.length() && isIdentifierStart(sql.charAt(at)) ? at : -1;
    }

    private static String keywordAt(String sql, int start, int end, String[] keywords) {
        for (String keyword : keywords) {
            if (isWord(sql, start, end, keyword)) {
                return keyword;
            }
        }
        return null;
    }

    private static boolean isWord(String sql, int start, int end, String keyword) {
        return end - start == keyword.length() && sql.regionMatches(true, start, keyword, 0, keyword.length());
    }
}
