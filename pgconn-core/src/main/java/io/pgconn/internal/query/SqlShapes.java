package io.pgconn.internal.query;

import io.pgconn.query.SqlShape;

import java.lang.invoke.MethodHandles;
import java.lang.ref.SoftReference;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link SqlShape}s of the SQL texts one session ran, so a text is scanned once, not per
 * execution: a statement run again costs one map lookup (its String's hash is cached, and the key
 * is usually the same object). Read from any thread (statements are planned on the caller's);
 * the server's {@code standard_conforming_strings} is read per lookup from the session's
 * ParameterStatus map, and a shape scanned under the other setting is scanned again. Bounded: past
 * {@link #CAPACITY} texts the memo starts over (an application's distinct statements are far fewer;
 * one that builds SQL with literals inline pays a scan per text, as it pays a Parse). A text longer
 * than {@link #LONGEST_KEPT} characters is not kept in the memo: such texts are mostly generated
 * (bulk {@code VALUES} lists, {@code IN ($1, …, $n)} lists), and 1,024 of them per pooled connection
 * would hold megabytes each. Only the last one is kept, in one slot found by identity, not by
 * {@code equals}, and softly: a statement's text asked again — an R2DBC {@code Statement} checks each
 * {@code bind(i)} against the text's parameter count — is not scanned again, so binding the n
 * parameters of an n-parameter text costs O(n), not O(n²) (NEW-USER-29: 16,000 binds of a jOOQ
 * {@code IN} list took 10 s of an event loop's CPU rescanning the text).
 */
public final class SqlShapes {

    static final int CAPACITY = 1024;
    static final int LONGEST_KEPT = 4096;

    /** A shape and the setting it was scanned under. */
    private record Scanned(SqlShape shape, boolean standardConformingStrings) {
    }

    /** The last text longer than {@link #LONGEST_KEPT} and its shape (the text compared by identity). */
    private record LastLong(String sql, Scanned scanned) {
    }

    private static final VarHandle SCANNED;

    static {
        try {
            SCANNED = MethodHandles.lookup().findVarHandle(SqlShapes.class, "scanned", ConcurrentHashMap.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Map<String, String> serverParameters;
    /**
     * The memo, made when the first text is kept (installed once, by compare-and-set: threads that kept their first
     * texts at once keep them all): a connection that never runs a SQL text holds none (64 B of an idle connection's
     * heap, pgconn-benchmarks HEAP_PER_IDLE).
     */
    private volatile ConcurrentHashMap<String, Scanned> scanned;

    /**
     * The last long text scanned, or {@code null} ({@link #LONGEST_KEPT}); softly held, so a pooled connection that once
     * ran a 65,535-parameter insert does not keep its text (megabytes) and shape for good while idle: the collector
     * drops a soft reference not read for a while (HotSpot: about a second per free MiB of heap) or when memory runs
     * short, and a statement asking after that pays one more scan.
     */
    private volatile SoftReference<LastLong> lastLong;

    /** @param serverParameters the session's ParameterStatus map, kept current by the session */
    public SqlShapes(Map<String, String> serverParameters) {
        this.serverParameters = serverParameters;
    }

    /** The shape of {@code sql} under the server's standard_conforming_strings now. */
    public SqlShape of(String sql) {
        return of(sql, standardConformingStrings());
    }

    /** The shape of {@code sql} under {@code standard} (the caller read the setting once for several uses). */
    public SqlShape of(String sql, boolean standard) {
        ConcurrentHashMap<String, Scanned> memo = scanned;
        Scanned known = memo == null ? null : memo.get(sql);
        if (known != null && known.standardConformingStrings == standard) {
            return known.shape;
        }
        if (sql.length() > LONGEST_KEPT) {
            return ofLong(sql, standard);
        }
        Scanned fresh = new Scanned(SqlScanner.shape(sql, standard), standard);
        if (memo == null) {
            memo = memo();
        } else if (memo.size() >= CAPACITY) {
            memo.clear();
        }
        memo.put(sql, fresh);
        return fresh.shape;
    }

    /** The shape of a text too long for the memo: from the one slot when it is the same String, else scanned into it. */
    private SqlShape ofLong(String sql, boolean standard) {
        SoftReference<LastLong> kept = lastLong;
        LastLong last = kept == null ? null : kept.get();
        if (last != null && last.sql == sql && last.scanned.standardConformingStrings == standard) {
            return last.scanned.shape;
        }
        Scanned fresh = new Scanned(SqlScanner.shape(sql, standard), standard);
        lastLong = new SoftReference<>(new LastLong(sql, fresh));
        return fresh.shape;
    }

    /** The memo, made now unless another thread made it first. */
    @SuppressWarnings("unchecked")
    private ConcurrentHashMap<String, Scanned> memo() {
        ConcurrentHashMap<String, Scanned> made = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, Scanned> before = (ConcurrentHashMap<String, Scanned>) SCANNED.compareAndExchange(this, null, made);
        return before == null ? made : before;
    }

    /** How many texts are kept (tests). */
    int kept() {
        ConcurrentHashMap<String, Scanned> memo = scanned;
        return memo == null ? 0 : memo.size();
    }

    /** The setting now ({@link StandardConformingStrings}: off only when the server says so). */
    public boolean standardConformingStrings() {
        return StandardConformingStrings.in(serverParameters);
    }
}
