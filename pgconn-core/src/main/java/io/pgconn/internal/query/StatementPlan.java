package io.pgconn.internal.query;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one execution of a statement sends: the SQL, the parameter type OIDs it is parsed with,
 * one encoded parameter set per execution, the fetch size and the timeout. Immutable; a retry
 * after a stale cached plan sends the same plan again. {@code toString} hides the values.
 */
public record StatementPlan(String sql, int[] typeOids, List<BoundParams> sets, int fetchSize, Duration timeout) {

    public StatementPlan {
        sets = List.copyOf(sets);
    }

    /** Whether the statement is cancelled after a positive {@link #timeout()}. */
    boolean hasTimeout() {
        return timeout != null && !timeout.isZero() && !timeout.isNegative();
    }

    /** Fetch-size paging works on a single execution; a batch is streamed whole. */
    boolean paged() {
        return fetchSize > 0 && sets.size() == 1;
    }

    @Override
    public String toString() {
        return "StatementPlan[" + sets.size() + " parameter sets of " + typeOids.length + " parameters, typeOids="
                + Arrays.toString(typeOids) + ", fetchSize=" + fetchSize + "]";
    }
}
