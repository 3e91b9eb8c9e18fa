package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which texts may end a transaction block: the type lookup waiting for a transaction's end goes behind those. A
 * miss would leave a session with its stale answer; a word counted in vain costs one more wait.
 */
class TransactionEndTextTest {

    @Test
    void aSimpleQueryMayEndATransactionWhereOneOfTheWordsStandsAnywhere() {
        for (String sql : new String[]{"COMMIT", "end", "Rollback", "ABORT", "PREPARE TRANSACTION 'x'", "commit;",
                "INSERT INTO t VALUES (1); COMMIT", "SELECT 1;end", "/* done */ROLLBACK", "-- done\ncommit",
                "ROLLBACK TO SAVEPOINT s1", "COMMIT AND CHAIN", "SELECT $$x$$;commit",
                "SELECT CASE WHEN true THEN 1 END", "SELECT 'rollback'"}) {
            assertThat(TransactionEndText.mayEndAnywhere(sql)).as(sql).isTrue();
        }
    }

    @Test
    void aSimpleQueryWithoutThoseWordsDoesNot() {
        for (String sql : new String[]{"SAVEPOINT s1", "RELEASE SAVEPOINT s1", "SET LOCAL work_mem = '8MB'",
                "SELECT pg_advisory_xact_lock(1)", "SELECT committed, ending, prepared_at FROM t; SELECT 2",
                "UPDATE t SET end_date = now()", "LISTEN rollbacks", "BEGIN", ""}) {
            assertThat(TransactionEndText.mayEndAnywhere(sql)).as(sql).isFalse();
        }
    }

    /** A script's statements are sent one by one: the first keyword of each says. */
    @Test
    void aScriptMayEndATransactionWhereOneOfItsStatementsStartsWithOneOfTheWords() {
        assertThat(TransactionEndText.mayEndAny(List.of("INSERT INTO t VALUES (1)", "COMMIT"))).isTrue();
        assertThat(TransactionEndText.mayEndAny(List.of("/* x */ end", "SELECT 1"))).isTrue();
        assertThat(TransactionEndText.mayEndAny(List.of("SELECT CASE WHEN true THEN 1 END", "SAVEPOINT s1",
                "UPDATE t SET note = 'commit'"))).isFalse();
    }

    /** REVIEW-34 R34-1: what ends a refused own BEGIN READ WRITE's transaction is a definite end, not a word anywhere. */
    @Test
    void aDefiniteEndIsAStatementStartingWithCommitEndRollbackOrAbort() {
        for (String sql : new String[]{"COMMIT", "end", "Rollback", "ABORT", "commit work", "END TRANSACTION;",
                "ROLLBACK AND NO CHAIN", "PREPARE TRANSACTION 'x'", "/* app=orders */ COMMIT -- done", "-- done\ncommit",
                "INSERT INTO t VALUES (1); COMMIT", "SELECT $$;$$;end", "SELECT 'x;y'; rollback"}) {
            assertThat(TransactionEndText.endsTransaction(sql)).as(sql).isTrue();
        }
        for (String sql : new String[]{"UPDATE t SET s = CASE WHEN x THEN 1 END", "INSERT INTO audit(note) VALUES ('commit')",
                "ROLLBACK TO SAVEPOINT a", "rollback work to a", "ROLLBACK AND CHAIN", "COMMIT AND CHAIN",
                "COMMIT PREPARED 'gid'", "ROLLBACK PREPARED 'gid'", "PREPARE p AS SELECT 1", "SELECT 'commit; end'",
                "SELECT $$; commit$$", "/* ; commit */ SELECT 1", "SAVEPOINT a", "BEGIN", "", "SELECT 1 -- ; commit"}) {
            assertThat(TransactionEndText.endsTransaction(sql)).as(sql).isFalse();
        }
        assertThat(TransactionEndText.endsTransaction(null)).isFalse();
    }

    /** The end that may run after a refused BEGIN READ WRITE's ROLLBACK (ExchangeFifo, REVIEW-33b R33b-1). */
    @Test
    void aPlainRollbackIsRollbackOrAbortAlone() {
        for (String sql : new String[]{"ROLLBACK", "rollback;", " Abort work ", "ROLLBACK TRANSACTION", "abort\n;",
                "/* app=orders,route=checkout */ ROLLBACK", "ROLLBACK -- done", "rollback /* a /* nested */ tag */ work;",
                "-- why\rABORT"}) { // sqlcommenter-style tags and comments (REVIEW-34 R34-8)
            assertThat(TransactionEndText.isPlainRollback(sql)).as(sql).isTrue();
        }
        for (String sql : new String[]{"ROLLBACK TO SAVEPOINT s1", "ROLLBACK PREPARED 'x'", "ROLLBACK AND CHAIN", "COMMIT",
                "ROLLBACK; INSERT INTO t VALUES (1)", "END", "ROLLBACK /* never closed", "ROLLBACK WORK WORK",
                "ROLLBACK;;", "\"ROLLBACK\"", "rollbacks", "ROLLBACK 'x'", "-- ROLLBACK", ""}) {
            assertThat(TransactionEndText.isPlainRollback(sql)).as(sql).isFalse();
        }
        assertThat(TransactionEndText.isPlainRollback(null)).isFalse();
    }
}
