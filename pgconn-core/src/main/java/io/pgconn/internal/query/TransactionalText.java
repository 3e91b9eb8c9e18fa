package io.pgconn.internal.query;

import java.util.List;
import java.util.Locale;

/**
 * Whether a statement certainly stays inside the transaction it runs in — the one rule for what an error or the
 * server's own end of the session proves undone (docs/query.md §5, {@code internal.session.LostExchanges}):
 * <ul>
 *   <li>{@link #certainly}: an error of the same script or text after it undoes it (a lost script whose error was read
 *       did not take effect);</li>
 *   <li>{@link #mayCommitInside}: a statement on its own that the server failed, or ended the session in, before its
 *       CommandComplete did not take effect — unless it may commit part of its work before its end: every statement
 *       {@link #certainly} does not cover but one that ends the transaction (its commit is its end: {@code COMMIT},
 *       {@code ROLLBACK}, {@code END}, {@code ABORT}, {@code PREPARE TRANSACTION}, {@link TransactionEndText}). So a
 *       {@code CALL} or {@code DO} (a procedure's {@code COMMIT}s, PostgreSQL 11+), {@code VACUUM}, {@code CREATE INDEX
 *       CONCURRENTLY} (its catalog entry committed before the build: a failed or terminated one leaves an invalid
 *       index), {@code REINDEX ... CONCURRENTLY}, {@code CREATE}/{@code DROP DATABASE}, {@code CLUSTER},
 *       {@code ANALYZE} (of several tables, one transaction each) stay unknown.</li>
 * </ul>
 * Certain only where it is: its first keyword, after white space and comments, is one of a few commands that run
 * inside a transaction (DML, {@code SELECT}, {@code WITH}, {@code COPY}, {@code EXPLAIN}, {@code EXECUTE}, DDL,
 * {@code GRANT}, {@code LOCK}, {@code SET}, {@code SHOW}, {@code BEGIN}, cursors, {@code LISTEN}/{@code NOTIFY},
 * savepoints, {@code REFRESH MATERIALIZED VIEW} (also {@code CONCURRENTLY}: it runs inside a transaction block),
 * {@code REASSIGN OWNED}, {@code SECURITY LABEL}, {@code IMPORT FOREIGN SCHEMA} ...; what only changes the session
 * ends with it), and, for DDL ({@code CREATE}, {@code ALTER},
 * {@code DROP}), no word of it names a form that commits on its own or refuses a transaction block
 * ({@code CONCURRENTLY}, {@code DATABASE}, {@code TABLESPACE}, {@code SUBSCRIPTION}, {@code SYSTEM}: {@code CREATE
 * INDEX CONCURRENTLY}, {@code CREATE DATABASE}, {@code ALTER SYSTEM} ..., which an older server may run in an
 * extended-protocol script, committing what came before). Not {@code VACUUM}, {@code REINDEX}, {@code CLUSTER},
 * {@code ANALYZE}, {@code DISCARD} or anything else not known: it is taken as one that may have
 * committed (the outcome stays unknown). A word in a literal or an identifier of a DDL statement counts too: a wrong
 * "may commit" costs an unknown outcome, a wrong "certain" a write reported undone. Read only when a session is lost,
 * never on the way to the server.
 */
public final class TransactionalText {

    private static final String[] TRANSACTIONAL = {"insert", "update", "delete", "merge", "select", "with", "values", "table",
            "copy", "explain", "execute", "create", "alter", "drop", "comment", "grant", "revoke", "truncate", "lock", "set",
            "reset", "show", "begin", "start", "savepoint", "release", "declare", "fetch", "move", "close", "listen",
            "unlisten", "notify", "deallocate", "refresh", "reassign", "security", "import"};
    private static final String[] DDL = {"create", "alter", "drop"};
    private static final String[] COMMITS_ON_ITS_OWN = {"concurrently", "database", "tablespace", "subscription", "system"};

    private TransactionalText() {
    }

    /** One statement's text: whether an error after it in the same transaction certainly undid it (see the class). */
    static boolean certainly(String sql) {
        if (!SqlScanner.firstKeywordIsOneOf(sql, TRANSACTIONAL)) {
            return false;
        }
        if (!SqlScanner.firstKeywordIsOneOf(sql, DDL)) {
            return true;
        }
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String word : COMMITS_ON_ITS_OWN) {
            if (SqlScanner.containsWord(lower, word, true)) {
                return false;
            }
        }
        return true;
    }

    /** Each of {@code statements} (a script's, each sent as it is; a text's, split). */
    public static boolean certainlyAll(List<String> statements) {
        for (String statement : statements) {
            if (!certainly(statement)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One statement's text (the extended protocol's): whether it may commit part of its work before its own end, so
     * that neither its error nor the server's FATAL before its CommandComplete proves it took no effect (outside a
     * transaction block; inside one, every such statement is refused or its {@code COMMIT} is). See the class.
     */
    static boolean mayCommitInside(String sql) {
        return !certainly(sql) && !TransactionEndText.mayEnd(sql);
    }

    /** A script's statements, each sent as it is: any one of them ({@link #mayCommitInside(String)}). */
    static boolean mayCommitInsideAny(List<String> statements) {
        for (String statement : statements) {
            if (mayCommitInside(statement)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A simple query's text, which may hold several statements: any statement of it, the text split as with
     * {@code standard_conforming_strings} on and as with it off (a backslash in a literal splits the two differently; a
     * statement either reading finds counts).
     */
    public static boolean mayCommitInsideAnywhere(String sql) {
        return mayCommitInsideAny(SqlScanner.statements(sql, true)) || mayCommitInsideAny(SqlScanner.statements(sql, false));
    }
}
