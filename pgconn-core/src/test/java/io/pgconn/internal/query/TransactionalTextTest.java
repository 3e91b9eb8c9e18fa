package io.pgconn.internal.query;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which statements an error after them in the same script or text certainly undid. */
class TransactionalTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "  update t set v = 2", "/* c */ DELETE FROM t", "MERGE INTO t USING u ON true DO NOTHING",
            "SELECT 1", "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "CREATE TABLE t (id int)", "ALTER TABLE t ADD c int",
            "DROP TABLE t", "CREATE INDEX i ON t (v)", "TRUNCATE t", "GRANT SELECT ON t TO r", "LOCK t", "SET x.y = 1", "BEGIN",
            "COPY t FROM STDIN", "EXPLAIN ANALYZE DELETE FROM t", "EXECUTE p(1)", "SHOW work_mem", "SAVEPOINT s", "NOTIFY c",
            "INSERT INTO t (system, database) VALUES (1, 2)", "GRANT CONNECT ON DATABASE d TO r", "REFRESH MATERIALIZED VIEW v",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY v", "REASSIGN OWNED BY a TO b", "SECURITY LABEL ON TABLE t IS 'x'",
            "IMPORT FOREIGN SCHEMA s FROM SERVER f INTO l"})
    void statementsThatRunInsideTheTransactionAreCertain(String sql) {
        assertThat(TransactionalText.certainly(sql)).isTrue();
        assertThat(TransactionalText.certainlyAll(List.of("INSERT INTO t VALUES (1)", sql))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "END", "ROLLBACK", "PREPARE TRANSACTION 'x'", "CALL p()", "DO $$BEGIN COMMIT; END$$", "VACUUM t",
            "REINDEX TABLE t", "CLUSTER", "CREATE INDEX CONCURRENTLY i ON t (v)", "DROP INDEX CONCURRENTLY i",
            "CREATE DATABASE d", "DROP DATABASE d", "ALTER SYSTEM SET work_mem = '1MB'", "CREATE TABLESPACE s LOCATION '/x'",
            "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "", "ANALYZE t"})
    void statementsThatMayCommitOnTheirOwnOrAreNotKnownAreNot(String sql) {
        assertThat(TransactionalText.certainly(sql)).isFalse();
        assertThat(TransactionalText.certainlyAll(List.of("INSERT INTO t VALUES (1)", sql))).isFalse();
    }

    /**
     * A statement on its own: may it commit part of its work before its end? Every one not certain above, but one that
     * ends the transaction (its commit is its end) — the single-statement rule and the script rule read one list.
     */
    @ParameterizedTest
    @ValueSource(strings = {"CALL p()", "DO $$BEGIN COMMIT; END$$", "VACUUM t", "REINDEX TABLE CONCURRENTLY t", "CLUSTER", "ANALYZE",
            "CREATE INDEX CONCURRENTLY i ON t (v)", "CREATE DATABASE d", "DROP DATABASE d", "ALTER SYSTEM SET work_mem = '1MB'",
            "ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "DISCARD ALL"})
    void aStatementThatMayCommitInsideItself(String sql) {
        assertThat(TransactionalText.mayCommitInside(sql)).isTrue();
        assertThat(TransactionalText.mayCommitInsideAnywhere("SELECT 1; " + sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE TRANSACTION 'x'",
            "COMMIT PREPARED 'x'", "SELECT 'VACUUM'", "COPY t FROM STDIN"})
    void aStatementThatCannotCommitBeforeItsEnd(String sql) {
        assertThat(TransactionalText.mayCommitInside(sql)).isFalse();
        assertThat(TransactionalText.mayCommitInsideAnywhere("SELECT 1; " + sql)).isFalse();
    }

    /**
     * The two first-keyword lists answer different questions (TransactionalText: does an error or the server's FATAL
     * prove it undone; SessionOnlyText: can its loss leave anything past the session), but must not drift apart: a
     * statement that changes only its session never commits part of its work inside itself — DISCARD aside (it refuses
     * a transaction block, so a script's rule cannot count on it, and leaves nothing past the session either way).
     * REVIEW-19's cross-check.
     */
    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "START TRANSACTION", "SAVEPOINT s", "RELEASE SAVEPOINT s", "ROLLBACK", "ROLLBACK TO s",
            "ROLLBACK AND CHAIN", "ABORT", "SET work_mem = '1MB'", "SET LOCAL x.y = 1", "SET ROLE r", "RESET ALL", "SHOW work_mem",
            "LISTEN c", "UNLISTEN *", "DEALLOCATE p", "PREPARE p AS SELECT 1"})
    void aStatementThatChangesOnlyItsSessionNeverCommitsInsideItself(String sql) {
        assertThat(SessionOnlyText.changesOnlyTheSession(sql)).as("session-only").isTrue();
        assertThat(TransactionalText.mayCommitInside(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DISCARD ALL", "DISCARD TEMP"})
    void discardChangesOnlyItsSessionButIsNotCountedAsStayingInsideItsTransaction(String sql) {
        assertThat(SessionOnlyText.changesOnlyTheSession(sql)).isTrue();
        assertThat(TransactionalText.certainly(sql)).isFalse();
    }
}
