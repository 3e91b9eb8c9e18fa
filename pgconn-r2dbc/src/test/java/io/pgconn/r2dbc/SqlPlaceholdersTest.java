package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlPlaceholdersTest {

    @Test
    void countsTheHighestPlaceholder() {
        assertThat(SqlPlaceholders.count("SELECT $1, $3, $2")).isEqualTo(3);
        assertThat(SqlPlaceholders.count("SELECT 1")).isZero();
        assertThat(SqlPlaceholders.count("INSERT INTO t VALUES ($1,$2)")).isEqualTo(2);
    }

    @Test
    void ignoresPlaceholdersInLiteralsIdentifiersCommentsAndDollarQuotes() {
        assertThat(SqlPlaceholders.count("SELECT '$1', \"$2\", E'\\'$3', $4 -- $5\n /* $6 /* $7 */ */ $$ $8 $$, $tag$ $9 $tag$"))
                .isEqualTo(4);
        assertThat(SqlPlaceholders.count("SELECT a$1 FROM t")).as("part of an identifier").isZero();
    }

    @Test
    void splitsStatementsAtTopLevelSemicolons() {
        assertThat(SqlPlaceholders.statements("SELECT 1; SELECT ';' ; ")).containsExactly("SELECT 1", "SELECT ';'");
        assertThat(SqlPlaceholders.statements("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"))
                .hasSize(1);
        assertThat(SqlPlaceholders.hasSeveralStatements("SELECT 1;")).isFalse();
        assertThat(SqlPlaceholders.hasSeveralStatements("SELECT 1; SELECT 2")).isTrue();
    }
}
