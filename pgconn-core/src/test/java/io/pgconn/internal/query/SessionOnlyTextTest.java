package io.pgconn.internal.query;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statements can change only their session, so that their answer lost with the session leaves nothing to
 * check (new user 19's F1: a lost BEGIN was an unknown outcome).
 */
class SessionOnlyTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "begin isolation level serializable, read only", " /* c */ START TRANSACTION", "SAVEPOINT \"s\"",
            "RELEASE SAVEPOINT s", "ROLLBACK", "ROLLBACK TO SAVEPOINT s", "rollback and chain", "ABORT", "SET work_mem = '1MB'",
            "SET LOCAL lock_timeout = 100", "SET ROLE r", "SET SESSION AUTHORIZATION u", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "RESET ALL", "SHOW work_mem", "LISTEN c", "UNLISTEN *",
            "DEALLOCATE ALL", "DISCARD ALL", "DISCARD TEMP", "PREPARE p (int) AS INSERT INTO t VALUES ($1)",
            "PREPARE transaction_insert AS INSERT INTO t VALUES (1)"})
    void aStatementThatCanChangeOnlyItsSession(String sql) {
        assertThat(SessionOnlyText.changesOnlyTheSession(sql)).isTrue();
        assertThat(SessionOnlyText.changesOnlyTheSessionAll(List.of("BEGIN", sql))).isTrue();
        assertThat(SessionOnlyText.changesOnlyTheSessionAnywhere("BEGIN; " + sql)).isTrue();
    }

    /**
     * What may outlive the session: a commit, a prepared transaction's end, a notification, a function's write, a
     * deferred trigger, a cursor's query, anything not known — and any text with one such statement.
     */
    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "END", "COMMIT AND CHAIN", "PREPARE TRANSACTION 'x'", "COMMIT PREPARED 'x'",
            "ROLLBACK PREPARED 'x'", "NOTIFY c", "SELECT pg_notify('c', 'x')", "SELECT 1", "VALUES (nextval('s'))", "EXECUTE p(1)",
            "SET CONSTRAINTS ALL IMMEDIATE", "DECLARE c CURSOR WITH HOLD FOR SELECT f()", "FETCH c", "CALL p()",
            "DO $$BEGIN END$$", "INSERT INTO t VALUES (1)", "CREATE TEMP TABLE t (id int)", "LOAD 'x'", "CHECKPOINT",
            "VACUUM", "START_REPLICATION SLOT s LOGICAL 0/0", "settle"})
    void aStatementThatMayOutliveItsSession(String sql) {
        assertThat(SessionOnlyText.changesOnlyTheSession(sql)).isFalse();
        assertThat(SessionOnlyText.changesOnlyTheSessionAll(List.of("BEGIN", sql))).isFalse();
        assertThat(SessionOnlyText.changesOnlyTheSessionAnywhere("BEGIN; " + sql + "; ROLLBACK")).isFalse();
    }

    /** A text whose statements split differently with and without standard_conforming_strings counts only when both readings do. */
    @ParameterizedTest
    @ValueSource(strings = {"SET application_name = 'a\\'; INSERT INTO t VALUES (1); --'", "BEGIN; INSERT INTO t VALUES (1); COMMIT",
            "SET x.y = 1; SELECT f()"})
    void aTextCountsOnlyWhenEveryStatementOfItDoesEitherWayItIsSplit(String sql) {
        assertThat(SessionOnlyText.changesOnlyTheSessionAnywhere(sql)).isFalse();
    }

    /** A text without a statement says nothing: not counted. */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "/* nothing */", ";"})
    void aTextWithoutAStatementIsNotCounted(String sql) {
        assertThat(SessionOnlyText.changesOnlyTheSessionAnywhere(sql)).isFalse();
    }
}
