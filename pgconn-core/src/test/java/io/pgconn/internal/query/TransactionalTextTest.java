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
            "DROP TABLE t", "CREATE INDEX i ON t (v)", "TRUNCATE t", "GRANT SELECT ON t TO r", "LOCK t", "SET x.y = 1", "BEGIN"})
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
}
