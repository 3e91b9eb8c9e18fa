package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which script statements go without a description first: only those that certainly return no rows
 * (a wrong "none" would bring rows in text, so every doubt means "describe it").
 */
class ScriptExchangeTest {

    @Test
    void commandsWithoutRowsNeedNoDescription() {
        for (String sql : new String[]{"CREATE TABLE t (id int)", "  drop table t", "-- setup\nALTER TABLE t ADD c int",
                "/* x */ TRUNCATE t", "SET search_path = a", "BEGIN", "commit", "INSERT INTO t VALUES (1)",
                "UPDATE t SET returning_x = 1", "DELETE FROM t WHERE note = 'x'", "VACUUM t", "DO $$ BEGIN END $$",
                "UPDATE t SET returning$x = 1"}) {
            assertThat(ScriptExchange.certainlyRowless(sql)).as(sql).isTrue();
        }
    }

    @Test
    void statementsThatMayReturnRowsAreDescribed() {
        for (String sql : new String[]{"SELECT 1", "(SELECT 1)", "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1)", "TABLE t",
                "SHOW search_path", "EXPLAIN SELECT 1", "CALL p()", "FETCH ALL FROM c", "EXECUTE s",
                "INSERT INTO t VALUES (1) RETURNING id", "update t set v = 1\nreturning *", "DELETE FROM t RETURNING(id)",
                "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE RETURNING *", "", "-- only a comment",
                "UPDATE t SET note = $$x$$RETURNING id", "update t set note = $q$x$q$returning id"}) {
            assertThat(ScriptExchange.certainlyRowless(sql)).as(sql).isFalse();
        }
    }

    /**
     * A {@code $} continues an unquoted identifier ({@code returning$x} is a column, no RETURNING), but it also
     * closes a dollar-quoted literal, after which a keyword may follow at once: {@code $$x$$RETURNING id} returns
     * rows (PostgreSQL 15 answers it with a RowDescription). So the word right after a {@code $} counts, at the
     * cost of a description for a column named like {@code x$returning}.
     */
    @Test
    void aKeywordMayFollowADollarQuoteAtOnce() {
        assertThat(ScriptExchange.certainlyRowless("UPDATE t SET note = $$x$$RETURNING id")).isFalse();
        assertThat(ScriptExchange.certainlyRowless("DELETE FROM t WHERE note = $tag$x$tag$ReTuRnInG *")).isFalse();
        assertThat(ScriptExchange.certainlyRowless("UPDATE t SET x$returning = 1")).as("in doubt, described").isFalse();
        assertThat(ScriptExchange.certainlyRowless("UPDATE t SET returning$y = 2")).isTrue();
    }

    /** Block comments nest, as PostgreSQL reads them: the first word is the one after the outermost comment. */
    @Test
    void theFirstKeywordComesAfterNestedComments() {
        assertThat(ScriptExchange.firstKeyword("/* /* */ */ COPY t FROM STDIN")).isEqualTo("COPY");
        assertThat(ScriptExchange.firstKeyword("/* /* */ COPY */ SELECT 1")).isEqualTo("SELECT");
        assertThat(ScriptExchange.firstKeyword("-- a\n /* b /* c */ d */ vacuum t")).isEqualTo("VACUUM");
        assertThat(ScriptExchange.firstKeyword("/* never closed /* */")).isEmpty();
    }
}
