package io.pgconn.internal.query;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one execution of a statement sends: the SQL, the parameter type OIDs it is parsed with,
 * one encoded parameter set per execution, the fetch size and the timeout. Immutable; a retry
 * after a stale cached plan sends the same plan again. {@code toString} hides the values.
 */
public record StatementPlan(String sql, int[] typeOids, List<BoundParams> sets, int fetchSize, Duration timeout,
                            DeferredParams deferred) {

    public StatementPlan {
        sets = List.copyOf(sets);
    }

    public StatementPlan(String sql, int[] typeOids, List<BoundParams> sets, int fetchSize, Duration timeout) {
        this(sql, typeOids, sets, fetchSize, timeout, null);
    }

    /** A plan whose parameter sets are encoded when its exchange is written ({@link DeferredParams}). */
    static StatementPlan deferred(String sql, List<Object[]> sets, int count, int fetchSize, Duration timeout) {
        int[] typeOids = new int[count];
        return new StatementPlan(sql, typeOids, List.of(), fetchSize, timeout, new DeferredParams(sets, count, typeOids));
    }

    /** The encoded parameter sets (of a deferred plan: once {@link #encodeDeferred} ran). */
    @Override
    public List<BoundParams> sets() {
        return deferred == null ? sets : deferred.sets();
    }

    /** Encodes a deferred plan's sets with the session's codecs now; nothing for a plan encoded already. */
    void encodeDeferred(QuerySession session) {
        if (deferred != null) {
            deferred.encode(session);
        }
    }

    /** Whether the parameter sets are encoded already (not deferred to the session's codecs on the loop). */
    boolean encoded() {
        return deferred == null;
    }

    int setCount() {
        return deferred == null ? sets.size() : deferred.setCount();
    }

    /** Whether the statement is cancelled after a positive {@link #timeout()}. */
    boolean hasTimeout() {
        return timeout != null && !timeout.isZero() && !timeout.isNegative();
    }

    /** Fetch-size paging works on a single execution; a batch is streamed whole. */
    boolean paged() {
        return fetchSize > 0 && setCount() == 1;
    }

    /**
     * What an error message may say about the statement: its parameter count (and how many sets)
     * and fetch size, never values or SQL, e.g. {@code 2 parameters} or {@code 3 parameter sets of 2
     * parameters, fetch size 100}.
     */
    String describe() {
        StringBuilder sb = new StringBuilder();
        if (setCount() != 1) {
            sb.append(setCount()).append(" parameter sets of ");
        }
        sb.append(typeOids.length).append(typeOids.length == 1 ? " parameter" : " parameters");
        if (fetchSize > 0) {
            sb.append(", fetch size ").append(fetchSize);
        }
        return sb.toString();
    }

    /** A duration as a person writes it: {@code 500 ms}, {@code 2 s}, {@code 1.5 s}. */
    static String humanReadable(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000 || millis % 100 != 0) {
            return millis + " ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public String toString() {
        return "StatementPlan[" + setCount() + " parameter sets of " + typeOids.length + " parameters, typeOids="
                + Arrays.toString(typeOids) + ", fetchSize=" + fetchSize + "]";
    }
}
