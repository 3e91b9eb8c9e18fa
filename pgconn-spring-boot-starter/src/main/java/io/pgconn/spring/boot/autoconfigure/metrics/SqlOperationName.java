package io.pgconn.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * OpenTelemetry's {@code db.operation.name} of a statement: its first keyword, when it is one of the SQL
 * commands PostgreSQL knows — so the key stays low-cardinality whatever the text — and no other parse
 * (a name only: leading white space and comments are skipped, nothing is allocated). A statement that starts
 * with {@code WITH} is named by its main statement, the first of {@link #MAIN_STATEMENTS} outside
 * parentheses, literals, quoted names and comments that does not name a query of the WITH list ({@code WITH
 * gone AS (UPDATE ...) UPDATE ...} is an {@code UPDATE}; new user 11 F5); {@code WITH} when none is found.
 */
final class SqlOperationName {

    private static final List<String> COMMANDS = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES",
            "TABLE", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE", "SET", "RESET",
            "SHOW", "CREATE", "ALTER", "DROP", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "CALL", "DO", "LISTEN", "UNLISTEN",
            "NOTIFY", "EXPLAIN", "ANALYZE", "VACUUM", "REINDEX", "CLUSTER", "REFRESH", "LOCK", "COPY", "DECLARE", "FETCH",
            "MOVE", "CLOSE", "EXECUTE", "DEALLOCATE", "DISCARD", "CHECKPOINT", "LOAD", "IMPORT", "SECURITY", "REASSIGN");

    /** What may follow a WITH list. */
    private static final List<String> MAIN_STATEMENTS = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE");

    private SqlOperationName() {
    }

    /** The command's first keyword in upper case, or null when it is none of {@link #COMMANDS}. */
    static @Nullable String of(String sql) {
        int at = skipSpaceAndComments(sql, 0);
        int end = at;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        int length = end - at;
        if (length == 0) {
            return null;
        }
        String command = keyword(sql, at, length, COMMANDS);
        return "WITH".equals(command) ? mainStatementAfterWith(sql, end) : command;
    }

    private static @Nullable String keyword(String sql, int at, int length, List<String> keywords) {
        for (String keyword : keywords) {
            if (keyword.length() == length && sql.regionMatches(true, at, keyword, 0, length)) {
                return keyword;
            }
        }
        return null;
    }

    /**
     * The main statement's keyword after a WITH list starting at {@code from}: a word at depth 0 that does not
     * follow WITH, RECURSIVE or a comma (those are the queries' names, and {@code update} may be one).
     */
    private static String mainStatementAfterWith(String sql, int from) {
        int depth = 0;
        boolean nameExpected = true;
        int at = from;
        while (at < sql.length()) {
            char c = sql.charAt(at);
            if (Character.isLetter(c) || c == '_') {
                int end = at;
                while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
                        || sql.charAt(end) == '$')) {
                    end++;
                }
                if (depth == 0) {
                    String main = nameExpected ? null : keyword(sql, at, end - at, MAIN_STATEMENTS);
                    if (main != null) {
                        return main;
                    }
                    nameExpected = end - at == 9 && sql.regionMatches(true, at, "RECURSIVE", 0, 9);
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
                int close = sql.indexOf(c, at + 1);
                at = close < 0 ? sql.length() : close + 1; // a doubled quote reads as two quoted runs: the same skip
                if (c == '"' && depth == 0) {
                    nameExpected = false; // a quoted query name
                }
            } else if (c == '$') {
                at = skipDollarQuote(sql, at);
            } else if (sql.startsWith("--", at)) {
                int newline = sql.indexOf('\n', at);
                at = newline < 0 ? sql.length() : newline + 1;
            } else if (sql.startsWith("/*", at)) {
                int close = sql.indexOf("*/", at + 2);
                at = close < 0 ? sql.length() : close + 2;
            } else {
                at++;
            }
        }
        return "WITH";
    }

    /** Past a dollar-quoted string opened at {@code at} ({@code $$...$$}, {@code $tag$...$tag$}); past the {@code $} otherwise. */
    private static int skipDollarQuote(String sql, int at) {
        int end = at + 1;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
            end++;
        }
        if (end >= sql.length() || sql.charAt(end) != '$' || (end > at + 1 && Character.isDigit(sql.charAt(at + 1)))) {
            return at + 1; // $1, a parameter
        }
        int close = sql.indexOf(sql.substring(at, end + 1), end + 1);
        return close < 0 ? sql.length() : close + end + 1 - at;
    }

    private static int skipSpaceAndComments(String sql, int from) {
        int at = from;
        while (at < sql.length()) {
            char c = sql.charAt(at);
            if (Character.isWhitespace(c) || c == '(') {
                at++;
            } else if (sql.startsWith("--", at)) {
                int newline = sql.indexOf('\n', at);
                at = newline < 0 ? sql.length() : newline + 1;
            } else if (sql.startsWith("/*", at)) {
                int close = sql.indexOf("*/", at + 2);
                at = close < 0 ? sql.length() : close + 2;
            } else {
                break;
            }
        }
        return at;
    }
}
