package io.pgconn.internal.query;

import io.pgconn.FatalErrors;
import io.pgconn.PgConfigException;
import io.pgconn.internal.protocol.frontend.Bind;
import io.pgconn.codec.PgConversionException;
import io.pgconn.query.PgStatement;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;
import io.pgconn.query.SqlShape;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The {@link PgStatement} of a session: collects bindings, and on execute encodes them into a {@link StatementPlan}. */
public final class DefaultPgStatement implements PgStatement {

    /** A NULL bound with a type (0: untyped). */
    private record TypedNull(int typeOid) {
    }

    private static final Object UNBOUND = new Object();
    /** Bind's empty list of parameter formats (all text); never written to. */
    private static final short[] ALL_TEXT = new short[0];

    private final QuerySession session;
    private final String sql;
    /**
     * What the SQL asks for, looked up in the session's memo, and the standard_conforming_strings it
     * was read under: a {@code SET standard_conforming_strings} on the connection moves where a
     * {@code '...'} literal with a backslash ends, so the shape is looked up again when the server's
     * setting (its ParameterStatus) is no longer the one the shape was read under.
     */
    private SqlShape shape;
    private boolean shapeStandard;
    private final List<Object[]> saved = new ArrayList<>();
    private Object[] current = new Object[0];
    private int fetchSize;
    private Duration timeout;

    public DefaultPgStatement(QuerySession session, String sql) {
        requireSql(sql);
        this.session = session;
        this.sql = sql;
        this.shapeStandard = session.sqlShapes().standardConformingStrings();
        this.shape = session.sqlShapes().of(sql, shapeStandard);
    }

    /** The shape under the session's standard_conforming_strings now. */
    private SqlShape shape() {
        SqlShapes shapes = session.sqlShapes();
        boolean standard = shapes.standardConformingStrings();
        if (standard != shapeStandard) {
            shape = shapes.of(sql, standard);
            shapeStandard = standard;
        }
        return shape;
    }

    private static void requireSql(String sql) {
        if (sql == null) {
            throw new PgConfigException(null, "statement SQL must not be null");
        }
    }

    /**
     * {@code PgConnection.query(sql, params)}: the first execution's rows, as
     * {@code of(session, sql, params).collectFirst()} gives them, without the statement object: the
     * one parameter set is encoded straight from {@code params} (no bindings to collect and check)
     * and the collector keeps only the first row set.
     */
    public static CompletableFuture<RowSet> query(QuerySession session, String sql, Object... params) {
        requireSql(sql);
        refuseNul(session, sql);
        int count = params == null ? 0 : params.length;
        if (count > SqlScanner.MAX_PARAMETERS) {
            throw new IllegalArgumentException(count + " parameters given, but PostgreSQL's protocol carries at most "
                    + SqlScanner.MAX_PARAMETERS + " in one statement (its Int16 count); nothing was sent to " + session.host());
        }
        SqlShape shape = session.sqlShapes().of(sql);
        refusePastTheProtocol(session, shape);
        if (shape.certain() && shape.parameterCount() != count) {
            throw new IllegalArgumentException(count + (count == 1 ? " parameter" : " parameters") + " given, but "
                    + takes(session, shape) + "; nothing was sent");
        }
        int[] typeOids = new int[count];
        Object[] set = params == null ? new Object[0] : params;
        StatementPlan plan;
        try {
            plan = session.typeOidsStale() ? StatementPlan.deferred(sql, List.<Object[]>of(set), count, 0, null)
                    : new StatementPlan(sql, typeOids, List.of(encode(session.host(), session.codecs(), set, count, typeOids)), 0, null);
        } catch (VirtualMachineError e) {
            throw notEncoded(session.host(), e);
        }
        RowSetCollector<RowSet> collector = RowSetCollector.first(session.blockingWaitSpin());
        StatementStart.start(session, collector, plan);
        return collector.result();
    }

    /** A statement bound to {@code params} in order ($1 = params[0]); null elements are untyped NULLs. */
    public static DefaultPgStatement of(QuerySession session, String sql, Object... params) {
        DefaultPgStatement statement = new DefaultPgStatement(session, sql);
        if (params != null) {
            for (int i = 0; i < params.length; i++) {
                statement.bind(i, params[i]);
            }
        }
        return statement;
    }

    @Override
    public PgStatement bind(int index, Object value) {
        put(index, value == null ? new TypedNull(0) : value);
        return this;
    }

    @Override
    public PgStatement bindNull(int index, Class<?> type) {
        put(index, new TypedNull(type == null ? 0 : session.codecs().typeOidOf(type)));
        return this;
    }

    @Override
    public PgStatement bindNull(int index, int typeOid) {
        put(index, new TypedNull(typeOid));
        return this;
    }

    /**
     * {@code the statement for db:5432 takes 2 parameters ($1 to $2)}: what a binding error says the
     * SQL expects (its highest {@code $n}), never the values or the SQL text.
     */
    private static String takes(QuerySession session, SqlShape shape) {
        int n = shape.parameterCount();
        return "the statement for " + session.host() + " takes " + (n == 0 ? "no parameters"
                : n == 1 ? "1 parameter ($1)" : n + " parameters ($1 to $" + n + ")");
    }

    /** A {@code $n} past 65535 names a parameter no Bind can carry: said as such, not as a count to bind up to. */
    private static void refusePastTheProtocol(QuerySession session, SqlShape shape) {
        if (shape.certain() && shape.parameterCount() > SqlScanner.MAX_PARAMETERS) {
            throw new IllegalArgumentException("the statement for " + session.host() + " refers to $" + shape.parameterCount()
                    + ", but PostgreSQL's protocol carries at most " + SqlScanner.MAX_PARAMETERS
                    + " parameters in one statement (its Int16 count); nothing was sent");
        }
    }

    /**
     * An index no statement can have: negative, or past the 65,535 parameters PostgreSQL's protocol carries (until
     * session 22 an IndexOutOfBoundsException without the host). One past the statement's own {@code $n} is
     * {@link #put}'s IndexOutOfBoundsException.
     */
    private void checkIndex(int index) {
        if (index < 0 || index >= SqlScanner.MAX_PARAMETERS) {
            throw new IllegalArgumentException("parameter index " + index + " is out of range: an index runs from 0 ($1) to "
                    + (SqlScanner.MAX_PARAMETERS - 1) + " ($" + SqlScanner.MAX_PARAMETERS + "), as PostgreSQL's protocol carries at most "
                    + SqlScanner.MAX_PARAMETERS + " parameters in one statement; nothing was bound for the statement for " + session.host());
        }
    }

    private void put(int index, Object value) {
        checkIndex(index);
        SqlShape shape = shape();
        if (shape.certain() && index >= shape.parameterCount()) {
            throw new IndexOutOfBoundsException("parameter index " + index + " ($" + (index + 1) + ") is out of range: "
                    + takes(session, shape) + " (0-based: 0 binds $1)");
        }
        if (index >= current.length) {
            int old = current.length;
            current = Arrays.copyOf(current, Math.max(index + 1, old * 2));
            Arrays.fill(current, old, current.length, UNBOUND);
        }
        current[index] = value;
    }

    @Override
    public PgStatement add() {
        saved.add(trimmed(current));
        current = new Object[0];
        return this;
    }

    @Override
    public PgStatement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetch size must be 0 (all rows) or positive: " + rows);
        }
        this.fetchSize = rows;
        return this;
    }

    @Override
    public PgStatement timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    @Override
    public Flow.Publisher<Segment> execute() {
        StatementPlan plan;
        try {
            plan = plan();
        } catch (RuntimeException e) {
            return subscriber -> EndedAtOnce.signal(subscriber, e);
        }
        return subscriber -> StatementStart.start(session, subscriber, plan);
    }

    @Override
    public CompletableFuture<List<RowSet>> collect() {
        RowSetCollector<List<RowSet>> collector = RowSetCollector.all(session.blockingWaitSpin());
        execute().subscribe(collector);
        return collector.result();
    }

    @Override
    public <T> CompletableFuture<List<T>> map(Function<? super Row, ? extends T> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        MappingCollector<T> collector = new MappingCollector<>(mapper, session.blockingWaitSpin());
        execute().subscribe(collector);
        return collector.result();
    }

    @Override
    public Stream<Row> stream(int prefetch) {
        BlockingRows rows = new BlockingRows("a statement on " + session.host(), prefetch);
        execute().subscribe(rows);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(rows::close);
    }

    /** The first execution's rows: what {@code PgConnection.query} returns. */
    public CompletableFuture<RowSet> collectFirst() {
        RowSetCollector<RowSet> collector = RowSetCollector.first(session.blockingWaitSpin());
        execute().subscribe(collector);
        return collector.result();
    }

    /** Encodes the bindings: every set must bind $1..$n; a parameter's type is the first non-zero over the sets. */
    StatementPlan plan() {
        refuseNul(session, sql);
        List<Object[]> sets = new ArrayList<>(saved);
        Object[] last = trimmed(current);
        if (last.length > 0 || sets.isEmpty()) {
            sets.add(last);
        }
        // one complete statement: every set binds exactly what the SQL asks for; otherwise (several
        // statements, an unterminated literal) the server judges, and the sets only have to agree
        SqlShape shape = shape();
        refusePastTheProtocol(session, shape);
        boolean certain = shape.certain();
        int count = certain ? shape.parameterCount() : sets.get(0).length;
        ValueCodecs codecs = session.codecs();
        int[] typeOids = new int[count];
        for (int s = 0; s < sets.size(); s++) {
            Object[] set = sets.get(s);
            String inSet = sets.size() > 1 ? " in parameter set " + (s + 1) : "";
            if (!certain && set.length != count) {
                throw new IllegalStateException("parameter set " + (s + 1) + " binds " + set.length
                        + " parameters, the first binds " + count + " (statement for " + session.host() + ")");
            }
            if (certain && set.length > count) { // bound before a SET standard_conforming_strings moved a literal's end
                throw new IllegalStateException("parameter $" + set.length + " is bound" + inSet + ", but "
                        + takes(session, shape) + " as standard_conforming_strings is now "
                        + (shapeStandard ? "on" : "off") + "; nothing was sent");
            }
            for (int i = 0; i < count; i++) {
                if (i >= set.length || set[i] == UNBOUND) {
                    throw new IllegalStateException("parameter $" + (i + 1) + " is not bound" + inSet + " (index " + i + "): "
                            + (certain ? takes(session, shape) : "the statement for " + session.host() + " binds " + count));
                }
            }
        }
        // encode: the first set's values fix the types (a typed NULL its own); later sets follow them
        try {
            if (session.typeOidsStale()) {
                // type DDL ran: a type's OID may be new, or its codec bound only after the lookup queued in front of this statement
                return StatementPlan.deferred(sql, sets, count, fetchSize, timeout);
            }
            List<BoundParams> bound = new ArrayList<>(sets.size());
            for (Object[] set : sets) {
                bound.add(encode(session.host(), codecs, set, count, typeOids));
            }
            return new StatementPlan(sql, typeOids, bound, fetchSize, timeout);
        } catch (VirtualMachineError e) {
            throw notEncoded(session.host(), e);
        }
    }

    /**
     * A {@link VirtualMachineError} (an OutOfMemoryError making a value's bytes, or holding a copy of them) while a
     * statement's values were encoded on the caller's thread: nothing of the statement was made or sent, so it fails
     * through its future or publisher as a value that cannot be written does, and the error goes on to the thread's
     * uncaught-exception handler ({@link FatalErrors}), as one met encoding on the event loop does (ExchangeFifo). Until
     * session 22 it was thrown out of {@code query}, {@code execute}, {@code collect} and {@code map}.
     */
    private static PgConversionException notEncoded(String host, VirtualMachineError e) {
        FatalErrors.handToTheThread(e);
        return new PgConversionException(host, "the parameters of a statement for " + host + " were not encoded: "
                + e.getClass().getName() + " while encoding them; nothing was sent", e);
    }

    /** Refused here, on the caller's thread, before the exchange touches the statement cache. */
    private static void refuseNul(QuerySession session, String sql) {
        SendableQueryText.require(session.host(), sql, "query text");
    }

    /**
     * One parameter set's values ({@code null}: an untyped NULL); a parameter whose type is still 0 in
     * {@code typeOids} takes the type of its value (or of its typed NULL).
     */
    static BoundParams encode(String host, ValueCodecs codecs, Object[] set, int count, int[] typeOids) {
        return encode(host, codecs, set, count, typeOids, Bind.MAX_LENGTH);
    }

    /**
     * As above; a set whose Bind would pass {@code maxLength} (PostgreSQL's message limit; smaller in tests) is
     * refused at the parameter that passes it, before the values after it are encoded.
     */
    static BoundParams encode(String host, ValueCodecs codecs, Object[] set, int count, int[] typeOids, long maxLength) {
        long length = Bind.framing(count);
        short[] formats = new short[count];
        byte[][] values = new byte[count][];
        boolean anyBinary = false;
        for (int i = 0; i < count; i++) {
            Object value = set[i];
            if (value == null) {
                continue; // untyped: the server infers it (or another set's value types it)
            }
            if (value instanceof TypedNull n) {
                if (typeOids[i] == 0) {
                    typeOids[i] = n.typeOid();
                }
            } else {
                ValueCodecs.Encoded encoded;
                try {
                    // no bytes: known, before it was encoded, to take more than what is left of the limit (a long text)
                    encoded = codecs.encode(value, typeOids[i], maxLength - length);
                } catch (PgConversionException e) {
                    // the codec says what cannot be written and why, never the value; this says which parameter, and where
                    throw new PgConversionException(host, "parameter $" + (i + 1) + " (index " + i + ") was not sent to "
                            + host + ": " + e.getMessage(), e);
                }
                if (encoded.bytes() == null || (length += encoded.bytes().length) > maxLength) {
                    // the server would drop the session without an answer (an over-long message is a protocol violation);
                    // a codec of one's own is counted here, once it wrote its bytes. Its type, never the value
                    throw new PgConversionException(host, "parameter $" + (i + 1) + " (index " + i + ", "
                            + codecs.typeName(encoded.typeOid()) + ") was not sent to " + host + ": with it the Bind message"
                            + " takes over " + maxLength + " bytes, more than PostgreSQL reads in one message (1 GB);"
                            + " nothing of the statement was sent", null);
                }
                if (typeOids[i] == 0) {
                    typeOids[i] = encoded.typeOid();
                }
                formats[i] = encoded.format();
                values[i] = encoded.bytes();
                anyBinary |= formats[i] != 0;
            }
        }
        return new BoundParams(typeOids, anyBinary ? formats : ALL_TEXT, values);
    }

    private static Object[] trimmed(Object[] set) {
        int length = set.length;
        while (length > 0 && set[length - 1] == UNBOUND) {
            length--;
        }
        return Arrays.copyOf(set, length);
    }

    @Override
    public String toString() {
        return "PgStatement[" + (saved.size() + 1) + " parameter sets]";
    }
}
