package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a timeout's message says about the statement: counts and settings people read, never values or SQL. */
class StatementPlanTest {

    @Test
    void aPlanIsDescribedByItsParameterCountSetsAndFetchSize() {
        assertThat(plan(2, 1, 0).describe()).isEqualTo("2 parameters");
        assertThat(plan(1, 1, 0).describe()).isEqualTo("1 parameter");
        assertThat(plan(2, 3, 100).describe()).isEqualTo("3 parameter sets of 2 parameters, fetch size 100");
        assertThat(plan(2, 1, 0).describe()).doesNotContain("SELECT").doesNotContain("secret");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(StatementPlan.humanReadable(Duration.ofMillis(500))).isEqualTo("500 ms");
        assertThat(StatementPlan.humanReadable(Duration.ofSeconds(2))).isEqualTo("2 s");
        assertThat(StatementPlan.humanReadable(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(StatementPlan.humanReadable(Duration.ofMillis(1234))).isEqualTo("1234 ms");
    }

    private static StatementPlan plan(int parameters, int sets, int fetchSize) {
        List<BoundParams> bound = Collections.nCopies(sets, new BoundParams(new int[parameters], new short[parameters], new byte[parameters][]));
        return new StatementPlan("SELECT 'secret'", new int[parameters], bound, fetchSize, Duration.ofSeconds(1));
    }
}
