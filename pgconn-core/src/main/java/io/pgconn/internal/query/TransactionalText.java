package io.pgconn.internal.query;

import java.util.List;
import java.util.Locale;

/**
 * Whether a statement certainly stays inside the transaction it runs in, so that an error of the same script or text
 * after it undoes it (docs/query.md §5: a lost script whose error was read did not take effect). Only where that is
 * certain: its first keyword, after white space and comments, is one of a few commands that run inside a transaction
 * (DML, {@code SELECT}, {@code WITH}, DDL, {@code GRANT}, {@code LOCK}, {@code SET}, {@code BEGIN} ...), and no word of it
 * names one that commits on its own or refuses a transaction block ({@code CONCURRENTLY}, {@code DATABASE},
 * {@code TABLESPACE}, {@code SUBSCRIPTION}, {@code SYSTEM}: {@code CREATE INDEX CONCURRENTLY}, {@code CREATE DATABASE},
 * {@code ALTER SYSTEM} ..., which an older server may run in an extended-protocol script, committing what came before).
 * Not {@code COMMIT}, {@code END}, {@code ROLLBACK}, {@code PREPARE} ({@link TransactionEndText}), {@code CALL},
 * {@code DO} ({@link CommitInsideText}), {@code VACUUM}, {@code REINDEX}, {@code CLUSTER} or anything else: a
 * statement not known is taken as one that may have committed (the outcome stays unknown). A word in a literal or an
 * identifier counts too: a wrong "may commit" costs an unknown outcome, a wrong "certain" a write reported undone.
 */
public final class TransactionalText {

    private static final String[] TRANSACTIONAL = {"insert", "update", "delete", "merge", "select", "with", "values", "table",
            "create", "alter", "drop", "comment", "grant", "revoke", "truncate", "lock", "set", "reset", "begin", "start"};
    private static final String[] COMMITS_ON_ITS_OWN = {"concurrently", "database", "tablespace", "subscription", "system"};

    private TransactionalText() {
    }

    /** One statement's text: see the class. */
    static boolean certainly(String sql) {
        if (!SqlScanner.firstKeywordIsOneOf(sql, TRANSACTIONAL)) {
            return false;
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
}
