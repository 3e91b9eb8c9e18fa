package io.pgconn.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * OpenTelemetry's {@code db.operation.name} of a statement: its first keyword, when it is one of the SQL
 * commands PostgreSQL knows — so the key stays low-cardinality whatever the text — and no other parse
 * (a name only: leading white space and comments are skipped, nothing is allocated).
 */
final class SqlOperationName {

    private static final List<String> COMMANDS = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES",
            "TABLE", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE", "SET", "RESET",
            "SHOW", "CREATE", "ALTER", "DROP", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "CALL", "DO", "LISTEN", "UNLISTEN",
            "NOTIFY", "EXPLAIN", "ANALYZE", "VACUUM", "REINDEX", "CLUSTER", "REFRESH", "LOCK", "COPY", "DECLARE", "FETCH",
            "MOVE", "CLOSE", "EXECUTE", "DEALLOCATE", "DISCARD", "CHECKPOINT", "LOAD", "IMPORT", "SECURITY", "REASSIGN");

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
        for (String command : COMMANDS) {
            if (command.length() == length && sql.regionMatches(true, at, command, 0, length)) {
                return command;
            }
        }
        return null;
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
