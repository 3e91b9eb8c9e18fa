package io.pgconn.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTokensTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "SELECT 1|SELECT",
            "  select * from t|SELECT",
            "-- why\\n/* note */ insert into t values ($1)|INSERT",
            "/* outer /* inner */ still a comment */ COPY t FROM STDIN|COPY",
            "(SELECT 1) UNION (SELECT 2)|SELECT",
            "( /* a */ (values (1)))|VALUES",
            "SELECTED|SELECTED",
            "select1 from t|SELECT1",
            "_private|_PRIVATE",
            "'literal'|``",
            "\"select\"|``",
            "E'x'|E",
            "$$body$$|``",
            "|``",
            "/* never closed SELECT|``",
            "-- only a comment|``"})
    void theFirstKeywordIsTheFirstWordPastBlanksCommentsAndParentheses(String sql, String expected) {
        assertThat(SqlTokens.firstKeyword(sql == null ? "" : sql.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @Test
    void everySkipTakesTheIndexOfItsOpeningMarkAndRefusesAnotherCharacter() {
        assertThatThrownBy(() -> SqlTokens.skipQuoted("x'a'", 0, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
        assertThatThrownBy(() -> SqlTokens.skipBlockComment("/* a */", 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlTokens.skipLineComment("- a", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlTokens.skipDollarQuoted("a$$", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlTokens.skipQuoted("'", 5, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aUnicodeEscapeStringStartsAWord() {
        // xu&'a\'' with standard_conforming_strings off is xu & 'a\'' — an escaping literal, not U&'...' (AUDIT-15 L4)
        assertThat(SqlTokens.skipQuoted("xu&'a\\'' b'", 3, false)).isEqualTo(8);
        assertThat(SqlTokens.skipQuoted("u&'a\\'", 2, false)).as("U&'...' takes no backslash escapes").isEqualTo(6);
    }

    @Test
    void aLineCommentEndsAtALineFeedOrACarriageReturn() {
        assertThat(SqlTokens.firstKeyword("-- note\rSELECT 1")).as("CR-only line ends (AUDIT-15 L3)").isEqualTo("SELECT");
        assertThat(SqlTokens.skipLineComment("-- a\r\nb", 0)).isEqualTo(5);
        assertThat(SqlTokens.skipLineComment("x -- a", 2)).isEqualTo(6);
    }

    @Test
    void theMainKeywordOfAStatementWithoutWithIsItsFirst() {
        assertThat(SqlTokens.mainKeyword("update t set x = 1")).isEqualTo("UPDATE");
        assertThat(SqlTokens.mainKeyword("frobnicate")).isEqualTo("FROBNICATE");
        assertThat(SqlTokens.mainKeyword("")).isEmpty();
        assertThat(SqlTokens.mainKeyword("withdraw")).as("a word that starts with 'with'").isEqualTo("WITHDRAW");
    }

    @Test
    void aStatementWithAWithListIsNamedByItsMainStatement() {
        assertThat(SqlTokens.mainKeyword("with x as (select 1) select * from x")).isEqualTo("SELECT");
        assertThat(SqlTokens.mainKeyword("WITH gone AS (UPDATE product SET stock = 0 RETURNING id) UPDATE product SET x = 1 FROM gone"))
                .isEqualTo("UPDATE");
        assertThat(SqlTokens.mainKeyword("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT sum(n) FROM t"))
                .isEqualTo("SELECT");
        assertThat(SqlTokens.mainKeyword("/* c */ (WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a)")).isEqualTo("INSERT");
        assertThat(SqlTokens.mainKeyword("WITH t AS (SELECT 1) SEARCH DEPTH FIRST BY n SET o TABLE t")).isEqualTo("TABLE");
        assertThat(SqlTokens.mainKeyword("WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (SELECT 2) MERGE INTO t"
                + " USING a ON true WHEN MATCHED THEN DO NOTHING")).isEqualTo("MERGE");
    }

    @Test
    void queriesNamedLikeStatementsAreNames() {
        assertThat(SqlTokens.mainKeyword("with update as (delete from a returning *), select as (select 1) insert into c select *"
                + " from update")).isEqualTo("INSERT");
        assertThat(SqlTokens.mainKeyword("WITH RECURSIVE select AS (SELECT 1) DELETE FROM t")).isEqualTo("DELETE");
        assertThat(SqlTokens.mainKeyword("WITH \"select\" AS (SELECT 1), \"x\"\"y\" AS (SELECT 2) VALUES (1)")).isEqualTo("VALUES");
    }

    @Test
    void literalsQuotedNamesDollarQuotesAndCommentsHideWhatIsInThem() {
        // a parenthesis in a plain literal and in a doubled-quote literal
        assertThat(SqlTokens.mainKeyword("WITH a AS (SELECT ')' || 'it''s )') UPDATE t SET x = 1")).isEqualTo("UPDATE");
        // E'' takes backslash escapes: \' does not end it, so the ')' is in it
        assertThat(SqlTokens.mainKeyword("WITH a AS (SELECT E'\\') select ') DELETE FROM t")).isEqualTo("DELETE");
        // in a plain literal (standard_conforming_strings on) a backslash is a character
        assertThat(SqlTokens.mainKeyword("WITH a AS (SELECT '\\') INSERT INTO t VALUES (1)")).isEqualTo("INSERT");
        // a quoted name holding a parenthesis and a keyword
        assertThat(SqlTokens.mainKeyword("WITH a AS (SELECT 1 AS \") update\") SELECT 2")).isEqualTo("SELECT");
        // dollar quotes, tagged and not, and a parameter
        assertThat(SqlTokens.mainKeyword("WITH a AS (SELECT $$ ) delete $$, $tag$ ) $$ insert $tag$, $1) TABLE a")).isEqualTo("TABLE");
        // comments, one nested, each with a closing parenthesis in its text
        assertThat(SqlTokens.mainKeyword("WITH t AS (SELECT 1 -- ) update\n /* ) /* ) */ insert */) MERGE INTO x USING t ON true"))
                .isEqualTo("MERGE");
        assertThat(SqlTokens.mainKeyword("WITH t AS (SELECT 1) /* /* */ select */ DELETE FROM t")).as("a nested comment")
                .isEqualTo("DELETE");
    }

    @Test
    void withoutAMainStatementItIsWith() {
        assertThat(SqlTokens.mainKeyword("WITH x AS (SELECT 1)")).isEqualTo("WITH");
        assertThat(SqlTokens.mainKeyword("WITH x AS (SELECT '")).as("an open literal").isEqualTo("WITH");
        assertThat(SqlTokens.mainKeyword("WITH x AS (SELECT $$")).as("an open dollar quote").isEqualTo("WITH");
        assertThat(SqlTokens.mainKeyword("WITH x AS (SELECT 1) /* select")).as("an open comment").isEqualTo("WITH");
    }

    @Test
    void theSkipsEndWhereTheServersLexerEndsEachToken() {
        assertThat(SqlTokens.skipBlanksAndComments(" -- a\n /* b /* c */ d */ x", 0)).isEqualTo(25);
        assertThat(SqlTokens.skipBlanksAndComments("  ", 0)).isEqualTo(2);
        assertThat(SqlTokens.skipBlockComment("/* a /* b */ */x", 0)).isEqualTo(15);
        assertThat(SqlTokens.skipBlockComment("/* a /* b */", 0)).isEqualTo(-1);
        assertThat(SqlTokens.skipQuoted("'a''b'x", 0, true)).isEqualTo(6);
        assertThat(SqlTokens.skipQuoted("'a\\'x", 0, true)).as("standard_conforming_strings on").isEqualTo(4);
        assertThat(SqlTokens.skipQuoted("'a\\'x'", 0, false)).as("standard_conforming_strings off").isEqualTo(6);
        assertThat(SqlTokens.skipQuoted("E'a\\'x'", 1, true)).isEqualTo(7);
        assertThat(SqlTokens.skipQuoted("B'1\\'", 1, false)).as("a bit string takes no escapes").isEqualTo(5);
        assertThat(SqlTokens.skipQuoted("U&'\\0041'x", 2, false)).as("nor a Unicode one").isEqualTo(9);
        assertThat(SqlTokens.skipQuoted("\"a\\\"b", 0, false)).as("nor a quoted name").isEqualTo(4);
        assertThat(SqlTokens.skipQuoted("'open", 0, true)).isEqualTo(-1);
        assertThat(SqlTokens.skipDollarQuoted("$$ a $$x", 0)).isEqualTo(7);
        assertThat(SqlTokens.skipDollarQuoted("$t$ $$ $t$x", 0)).isEqualTo(10);
        assertThat(SqlTokens.skipDollarQuoted("$1", 0)).as("a parameter opens no quote").isEqualTo(1);
        assertThat(SqlTokens.skipDollarQuoted("$1a$ x $1a$", 0)).as("a tag never starts with a digit").isEqualTo(1);
        assertThat(SqlTokens.skipDollarQuoted("$t$ open", 0)).isEqualTo(-1);
    }
}
