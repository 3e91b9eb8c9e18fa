package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReadWriteBeginText}: what counts as an application's {@code BEGIN READ WRITE} (docs/query.md §5), and what not. */
class ReadWriteBeginTextTest {

    @Test
    void aLeadingBeginOrStartTransactionWithReadWriteAmongItsModes() {
        for (String sql : new String[] {
                "BEGIN READ WRITE",
                "begin read write",
                "  Begin\n\tRead   Write ;",
                "BEGIN WORK READ WRITE",
                "BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE",
                "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE",
                "START TRANSACTION READ WRITE",
                "start transaction isolation level repeatable read, read write, not deferrable",
                "-- Spring\nBEGIN /* mode: */ READ /* nested /* comment */ */ WRITE",
                "/* leading */ START /**/ TRANSACTION READ WRITE; INSERT INTO t VALUES (1)",
                "BEGIN READ WRITE;COMMIT"}) {
            assertThat(ReadWriteBeginText.opensReadWrite(sql)).as(sql).isTrue();
        }
    }

    @Test
    void anythingElseIsNot() {
        for (String sql : new String[] {
                "BEGIN",
                "BEGIN; SET TRANSACTION READ WRITE",
                "BEGIN READ ONLY",
                "BEGIN ISOLATION LEVEL READ COMMITTED",
                "BEGIN READ -- WRITE",
                "BEGIN READ, WRITE",
                "START READ WRITE",
                "START TRANSACTION",
                "SELECT 'BEGIN READ WRITE'",
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
                "SET TRANSACTION READ WRITE",
                "BEGINREAD WRITE",
                "DO $$BEGIN READ WRITE; END$$",
                "INSERT INTO t VALUES (1); BEGIN READ WRITE",
                "BEGIN 'READ WRITE'",
                "",
                "   ",
                "/* unterminated BEGIN READ WRITE"}) {
            assertThat(ReadWriteBeginText.opensReadWrite(sql)).as(sql).isFalse();
        }
        assertThat(ReadWriteBeginText.opensReadWrite(null)).isFalse();
    }
}
