package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** REVIEW-20 R7: which statements {@code returnGeneratedValues} may append RETURNING to. */
class ReturningClauseTest {

    private static String refusal(String sql) {
        return ReturningClause.refusal(sql, true);
    }

    @Test
    void dmlWithoutItsOwnReturningTakesOne() {
        assertThat(refusal("INSERT INTO t (v) VALUES ($1)")).isNull();
        assertThat(refusal("  /* c */ update t set v = 'RETURNING' where id = $1")).isNull();
        assertThat(refusal("DELETE FROM t WHERE v = $$ returning $$ -- returning")).isNull();
        assertThat(refusal("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE")).isNull();
        assertThat(refusal("WITH gone AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM gone")).isNull();
        assertThat(refusal("INSERT INTO t (\"returning\") VALUES (E'\\' returning')")).isNull();
    }

    @Test
    void otherCommandsAndAReturningOfTheirOwnAreRefused() {
        assertThat(refusal("SELECT 1")).contains("a SELECT");
        assertThat(refusal("(SELECT 1)")).contains("a SELECT");
        assertThat(refusal("WITH x AS (INSERT INTO t DEFAULT VALUES RETURNING id) SELECT id FROM x")).contains("a SELECT");
        assertThat(refusal("'text'")).contains("no command");
        assertThat(refusal("INSERT INTO t DEFAULT VALUES RETURNING id")).contains("already");
        assertThat(refusal("update t set v = 1\nreturning\t*")).contains("already");
    }

    /** With standard_conforming_strings off, a backslash escapes the quote in a plain literal. */
    @Test
    void literalsAreReadAsTheSessionsStandardConformingStringsSays() {
        String sql = "UPDATE t SET v = 'a\\' RETURNING v --'";
        assertThat(ReturningClause.refusal(sql, false)).isNull();
        assertThat(ReturningClause.refusal(sql, true)).contains("already");
    }
}
