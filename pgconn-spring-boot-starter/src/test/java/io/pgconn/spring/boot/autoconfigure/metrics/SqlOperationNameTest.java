package io.pgconn.spring.boot.autoconfigure.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SqlOperationNameTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "SELECT 1|SELECT",
            "  select * from t|SELECT",
            "-- why\\n/* note */ insert into t values ($1)|INSERT",
            "(SELECT 1) UNION (SELECT 2)|SELECT",
            "BEGIN ISOLATION LEVEL SERIALIZABLE|BEGIN",
            "commit|COMMIT",
            "SELECTED|NONE",
            "frobnicate the table|NONE",
            "'literal'|NONE",
            "|NONE",
            "/* never closed|NONE",
            "/* outer /* nested */ still the comment */ SELECT 1|SELECT",
            "/* outer /* nested */ update */ DELETE FROM t|DELETE"})
    void theFirstKeywordWhenItIsAKnownCommandElseNone(String sql, String expected) {
        assertThat(SqlOperationName.of(sql == null ? "" : sql.replace("\\n", "\n"))).isEqualTo(expected);
    }

    /** New user 11 F5: OpenTelemetry wants the operation, and a data-modifying CTE's is its main statement's. */
    @Test
    void aStatementWithAWithListIsNamedByItsMainStatement() {
        assertThat(SqlOperationName.of("with x as (select 1) select * from x")).isEqualTo("SELECT");
        assertThat(SqlOperationName.of("WITH gone AS (UPDATE product SET stock = 0 WHERE id = $1 RETURNING id)"
                + " UPDATE product SET x = 1 FROM gone")).isEqualTo("UPDATE");
        assertThat(SqlOperationName.of("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT sum(n) FROM t"))
                .isEqualTo("SELECT");
        // a query named like a statement, a quoted name, a parenthesis in a literal
        assertThat(SqlOperationName.of("with update as (delete from a returning *), \"select\" as (select ')' from b)"
                + " insert into c select * from update")).isEqualTo("INSERT");
        // a dollar-quoted literal, MATERIALIZED / NOT MATERIALIZED, a parameter
        assertThat(SqlOperationName.of("WITH a AS MATERIALIZED (SELECT $$ ) delete $$, $1), b AS NOT MATERIALIZED (SELECT 2)"
                + " DELETE FROM t")).isEqualTo("DELETE");
        // comments, also one that closes a parenthesis in its text
        assertThat(SqlOperationName.of("WITH t AS (SELECT 1 -- ) update\n /* ) insert */) MERGE INTO x USING t ON true"
                + " WHEN MATCHED THEN DO NOTHING")).isEqualTo("MERGE");
        assertThat(SqlOperationName.of("WITH t AS (SELECT 1) SEARCH DEPTH FIRST BY n SET o TABLE t")).isEqualTo("TABLE");
        assertThat(SqlOperationName.of("WITH x AS (SELECT 1)")).as("no main statement").isEqualTo("WITH");
        assertThat(SqlOperationName.of("WITH x AS (SELECT '")).as("an open literal").isEqualTo("WITH");
        // the core's lexer: an E'' literal's \' does not end it, a nested comment does not end at its inner */
        assertThat(SqlOperationName.of("WITH a AS (SELECT E'\\') select ') DELETE FROM t")).isEqualTo("DELETE");
        assertThat(SqlOperationName.of("WITH a AS (SELECT 1) /* /* */ select */ INSERT INTO t SELECT 1")).isEqualTo("INSERT");
    }
}
