package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.query.SqlTokens;
import org.jspecify.annotations.Nullable;

import java.util.Set;

/**
 * OpenTelemetry's {@code db.operation.name} of a statement: the keyword of the statement that runs, when it is one of
 * the SQL commands PostgreSQL knows — so the key stays low-cardinality whatever the text — and no other parse. The
 * keyword is core's {@link SqlTokens#mainKeyword(String)}: the first word past white space, comments and opening
 * parentheses, and for a statement that starts with {@code WITH} its main statement's ({@code WITH gone AS (UPDATE
 * ...) UPDATE ...} is an {@code UPDATE}; new user 11 F5), {@code WITH} when none is found. Literals, quoted names,
 * dollar quotes and nested comments are read as the core reads them (one lexer).
 */
final class SqlOperationName {

    private static final Set<String> COMMANDS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES",
            "TABLE", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE", "SET", "RESET",
            "SHOW", "CREATE", "ALTER", "DROP", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "CALL", "DO", "LISTEN", "UNLISTEN",
            "NOTIFY", "EXPLAIN", "ANALYZE", "VACUUM", "REINDEX", "CLUSTER", "REFRESH", "LOCK", "COPY", "DECLARE", "FETCH",
            "MOVE", "CLOSE", "EXECUTE", "DEALLOCATE", "DISCARD", "CHECKPOINT", "LOAD", "IMPORT", "SECURITY", "REASSIGN");

    private SqlOperationName() {
    }

    /** The command's keyword in upper case, or null when it is none of {@link #COMMANDS}. */
    static @Nullable String of(String sql) {
        String keyword = SqlTokens.mainKeyword(sql);
        return keyword != null && COMMANDS.contains(keyword) ? keyword : null;
    }
}
