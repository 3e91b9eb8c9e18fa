package io.pgconn.internal.query;

import io.pgconn.query.SqlShape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlScannerTest {

    private static int count(String sql) {
        return SqlScanner.shape(sql, true).parameterCount();
    }

    @Test
    void countsTheHighestPlaceholder() {
        assertThat(count("SELECT $1, $3, $2")).isEqualTo(3);
        assertThat(count("SELECT 1")).isZero();
        assertThat(count("INSERT INTO t VALUES ($1,$2)")).isEqualTo(2);
        assertThat(count("SELECT $99999999999")).as("saturated, not wrapped").isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void ignoresPlaceholdersInLiteralsIdentifiersCommentsAndDollarQuotes() {
        assertThat(count("SELECT '$1', \"$2\", E'\\'$3', $4 -- $5\n /* $6 /* $7 */ */ $$ $8 $$, $tag$ $9 $tag$"))
                .isEqualTo(4);
        assertThat(count("SELECT a$1 FROM t")).as("part of an identifier").isZero();
        assertThat(count("SELECT 'it''s $1', \"a\"\"$2\", U&'\\0041 $3', $_$ $4 $_$, $1")).isEqualTo(1);
        assertThat(count("SELECT B'101', X'1F', e'\\\\', $2")).isEqualTo(2);
    }

    @Test
    void aLineCommentEndsAtACarriageReturnAsOnTheServer() {
        assertThat(count("-- note\rSELECT $1")).as("CR-only line ends (AUDIT-15 L3)").isEqualTo(1);
        assertThat(count("SELECT $1 -- $2\r\n, $3")).isEqualTo(3);
    }

    @Test
    void aBackslashEscapesInPlainLiteralsOnlyWhenStandardConformingStringsIsOff() {
        String sql = "SELECT 'a\\', $1, '$2'";
        // on: 'a\' is a whole literal, then $1, then the literal '$2'
        assertThat(SqlScanner.shape(sql, true)).isEqualTo(new SqlShape(1, 1, true));
        // off: \' escapes the quote, the literal runs to the next quote: "a\', $1, " — then $2 is outside
        assertThat(SqlScanner.shape(sql, false)).isEqualTo(new SqlShape(2, 1, false));
        assertThat(SqlScanner.shape("SELECT 'x\\'' || $1", false)).isEqualTo(new SqlShape(1, 1, true));
        assertThat(SqlScanner.shape("SELECT B'1\\', $1", false).parameterCount()).as("bit strings take no escapes").isEqualTo(1);
    }

    @Test
    void anUnterminatedLiteralIdentifierCommentOrDollarQuoteIsNotComplete() {
        assertThat(SqlScanner.shape("SELECT $1, 'open", true)).isEqualTo(new SqlShape(1, 1, false));
        assertThat(SqlScanner.shape("SELECT $1, \"open", true).complete()).isFalse();
        assertThat(SqlScanner.shape("SELECT $1 /* open /* */", true).complete()).isFalse();
        assertThat(SqlScanner.shape("SELECT $1, $q$ open", true).complete()).isFalse();
        assertThat(SqlScanner.shape("SELECT $1 -- to the end", true).complete()).as("a line comment may end the text").isTrue();
        assertThat(SqlScanner.shape("SELECT $1, 'open", true).certain()).isFalse();
    }

    @Test
    void splitsStatementsAtTopLevelSemicolons() {
        assertThat(SqlScanner.statements("SELECT 1; SELECT ';' ; ", true)).containsExactly("SELECT 1", "SELECT ';'");
        assertThat(SqlScanner.statements("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", true)).hasSize(1);
        assertThat(SqlScanner.statements("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", true))
                .as("a rule's action list").hasSize(1);
        assertThat(SqlScanner.statements("SELECT 1; -- done\n", true)).as("a comment alone is no statement").containsExactly("SELECT 1");
        assertThat(SqlScanner.shape("SELECT 1;", true).statementCount()).isEqualTo(1);
        assertThat(SqlScanner.shape("SELECT 1; SELECT 2", true).statementCount()).isEqualTo(2);
        assertThat(SqlScanner.shape("SELECT 1; SELECT 2", true).certain()).isFalse();
        assertThat(SqlScanner.shape("", true)).isEqualTo(new SqlShape(0, 0, true));
        assertThat(SqlScanner.statements("SELECT 'a\\'; SELECT 2'", false)).as("off: the ; is inside the literal").hasSize(1);
        assertThat(SqlScanner.statements("SELECT 'a\\'; SELECT 2'", true)).hasSize(2);
    }

    @Test
    void aRoutineBodyInBeginAtomicIsOneStatement() {
        String function = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a; SELECT a + 1; END";
        assertThat(SqlScanner.statements(function + "; SELECT f(1)", true)).containsExactly(function, "SELECT f(1)");
        assertThat(SqlScanner.shape(function, true)).isEqualTo(new SqlShape(0, 1, true));
        String replace = "create or replace procedure p() language sql\nbegin atomic\n  insert into t values (1);\n"
                + "  insert into t values (case when true then 2 else 3 end);\nend";
        assertThat(SqlScanner.statements(replace + ";\nCALL p();", true)).as("CASE ... END inside the body")
                .containsExactly(replace, "CALL p()");
        // an unfinished body: the server would wait for END, psql for more lines
        assertThat(SqlScanner.shape("CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;", true).complete()).isFalse();
    }

    @Test
    void beginAndEndOutsideARoutineBodyStillEndAtSemicolons() {
        assertThat(SqlScanner.statements("BEGIN; SELECT 1; END; COMMIT", true)).containsExactly("BEGIN", "SELECT 1", "END", "COMMIT");
        assertThat(SqlScanner.statements("SELECT CASE WHEN true THEN 1 END; SELECT 2", true)).hasSize(2);
        // a PL/pgSQL body is dollar-quoted: its BEGIN and END are never read as words
        assertThat(SqlScanner.statements("CREATE FUNCTION h() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$; BEGIN; COMMIT", true))
                .hasSize(3);
        // a routine without a BEGIN body ends at its semicolon, and the next statement's BEGIN is a transaction's
        assertThat(SqlScanner.statements("CREATE FUNCTION k() RETURNS int LANGUAGE sql RETURN 1; BEGIN; SELECT k(); COMMIT", true))
                .containsExactly("CREATE FUNCTION k() RETURNS int LANGUAGE sql RETURN 1", "BEGIN", "SELECT k()", "COMMIT");
        // words that only look like the lead or the keywords
        assertThat(SqlScanner.statements("CREATE TABLE begin_t (id int); SELECT 1", true)).hasSize(2);
        assertThat(SqlScanner.statements("CREATE FUNCTION m(\"begin\" int) RETURNS int LANGUAGE sql RETURN 1; SELECT 'begin'; SELECT 2", true))
                .hasSize(3);
        assertThat(SqlScanner.statements("CREATE FUNCTION n(x int DEFAULT (SELECT 1)) RETURNS int LANGUAGE sql RETURN x; SELECT 1", true))
                .hasSize(2);
    }

    /** A word of its own: not part of a longer keyword or unquoted identifier ($ included, as in PostgreSQL's). */
    @Test
    void aWordIsFoundOnlyAsAWordOfItsOwn() {
        assertThat(SqlScanner.containsWord("create table t (m mood)", "mood")).isTrue();
        assertThat(SqlScanner.containsWord("create table t (m public.mood[])", "mood")).isTrue();
        assertThat(SqlScanner.containsWord("create table moods (mood_id int, x$mood int, mood2 int)", "mood")).isFalse();
        assertThat(SqlScanner.containsWord("mood", "mood")).isTrue();
    }

    /** Asked for, a word right after a {@code $} counts too (it may close a dollar quote); before one, never. */
    @Test
    void aWordRightAfterADollarCountsWhenAskedFor() {
        assertThat(SqlScanner.containsWord("set note = $$x$$returning id", "returning")).isFalse();
        assertThat(SqlScanner.containsWord("set note = $$x$$returning id", "returning", true)).isTrue();
        assertThat(SqlScanner.containsWord("set note = $q$x$q$returning", "returning", true)).isTrue();
        assertThat(SqlScanner.containsWord("set x$returning = 1", "returning", true)).isTrue();
        assertThat(SqlScanner.containsWord("set returning$x = 1, xreturning = 2", "returning", true)).isFalse();
    }
}
