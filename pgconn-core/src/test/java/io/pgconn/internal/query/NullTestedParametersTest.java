package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which untyped parameters a Parse declares {@code text} (NEW-USER-34 F1): those whose first use is a whole NULL-test
 * condition of a WHERE, ON or HAVING clause, which PostgreSQL cannot type and refuses (42P08); every other keeps the
 * type its value gave, or none (REVIEW-34b R34b-1: a first use in a target list or SET list, or an operator's operand).
 */
class NullTestedParametersTest {

    private static final int TEXT = 25;
    private static final int INT4 = 23;

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 FROM t WHERE ($1 IS NULL OR note = $1)", "SELECT 1 FROM t WHERE $1 is not null AND note = $1",
            "SELECT 1 FROM t WHERE ($1 ISNULL OR note = $1)", "SELECT 1 FROM t WHERE ($1 NOTNULL AND note = $1)",
            "SELECT 1 FROM t WHERE ($1 /* a filter */ IS -- optional\n NULL OR note = $1)",
            "SELECT 1 FROM t JOIN u ON ($1 IS NULL OR u.note = $1)", "SELECT o FROM t GROUP BY o HAVING $1 IS NULL OR o = $1",
            "DELETE FROM t WHERE NOT $1 IS NULL AND note = $1", "SELECT 1 FROM t WHERE id IN (SELECT id FROM u WHERE ($1 IS NULL OR u.note = $1))",
            "SELECT 1 FROM t WHERE CASE WHEN $1 IS NULL THEN true ELSE note = $1 END"})
    void anUntypedParameterFirstUsedInANullTestIsDeclaredText(String sql) {
        assertThat(NullTestedParameters.declared(sql, new int[] {0}, true)).containsExactly(TEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 FROM t WHERE (note = $1 OR $1 IS NULL)", "SELECT 1 FROM t WHERE ($1::text IS NULL OR note = $1)",
            "SELECT 1 FROM t WHERE (CAST($1 AS order_status) IS NULL)", "SELECT 1 FROM t WHERE id = $1",
            "SELECT '$1 IS NULL', note FROM t WHERE note = $1", "SELECT $$ $1 IS NULL $$ FROM t WHERE note = $1",
            "SELECT 1 FROM t WHERE $1 IS DISTINCT FROM note", "SELECT 1 FROM t WHERE $1 IS TRUE",
            "SELECT 1 FROM t WHERE \"$1 IS NULL\" = $1", "SELECT 1 -- $1 IS NULL\n FROM t WHERE note = $1",
            // REVIEW-34b R34b-1: the server types these from a use it analyses before the text's first one, or the test is
            // of an operator's result: they worked untyped and must stay so
            "SELECT $1 IS NULL AS defaulted, r.id FROM report_rows(coalesce($1, current_date)) r",
            "SELECT $1 IS NULL AS everyone, t.id FROM t JOIN t o ON o.owner = $1",
            "UPDATE t SET note = CASE WHEN $1 IS NULL THEN 'unowned' ELSE note END WHERE owner = $1",
            "SELECT * FROM t WHERE (owner = $1 IS NULL)", "SELECT * FROM t WHERE (d - $1 IS NULL)", "SELECT $1 IS NULL",
            "INSERT INTO t VALUES ($1 IS NULL)"})
    void everyOtherFirstUseLeavesItUntyped(String sql) {
        int[] types = {0};

        assertThat(NullTestedParameters.declared(sql, types, true)).as(sql).isSameAs(types).containsExactly(0);
    }

    @Test
    void aTypedParameterKeepsItsTypeAndOnlyTheNullTestedOnesAreDeclared() {
        int[] types = {INT4, 0, 0};

        int[] declared = NullTestedParameters.declared("SELECT 1 FROM t WHERE ($1 IS NULL OR id = $1) AND ($2 IS NULL OR note = $2)"
                + " AND name = $3 AND ($3 IS NULL)", types, true);

        assertThat(declared).containsExactly(INT4, TEXT, 0);
        assertThat(types).as("the plan's own array is not changed (the statement cache's key)").containsExactly(INT4, 0, 0);
    }

    /** With standard_conforming_strings off a backslash escapes the quote: the literal runs on past it. */
    @Test
    void aLiteralEndsWhereTheSessionsSettingSays() {
        String sql = "SELECT note FROM t WHERE note <> 'x\\' OR $1 IS NULL OR note <> '' OR note = $1";

        assertThat(NullTestedParameters.declared(sql, new int[] {0}, true)).as("on: the literal ends at \\'").containsExactly(TEXT);
        assertThat(NullTestedParameters.declared(sql, new int[] {0}, false)).as("off: the NULL test is inside literals").containsExactly(0);
    }

    @Test
    void aPlaceholderPastTheParametersOrPastAnIntIsIgnored() {
        assertThat(NullTestedParameters.declared("SELECT 1 WHERE $2 IS NULL AND $99999999999 IS NULL AND $1 = 1", new int[] {0}, true)).containsExactly(0);
    }
}
