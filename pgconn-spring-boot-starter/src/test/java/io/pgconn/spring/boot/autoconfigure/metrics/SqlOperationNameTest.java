package io.pgconn.spring.boot.autoconfigure.metrics;

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
            "with x as (select 1) select * from x|WITH",
            "BEGIN ISOLATION LEVEL SERIALIZABLE|BEGIN",
            "commit|COMMIT",
            "SELECTED|NONE",
            "frobnicate the table|NONE",
            "'literal'|NONE",
            "|NONE",
            "/* never closed|NONE"})
    void theFirstKeywordWhenItIsAKnownCommandElseNone(String sql, String expected) {
        assertThat(SqlOperationName.of(sql == null ? "" : sql.replace("\\n", "\n"))).isEqualTo(expected);
    }
}
