package io.pgconn.r2dbc;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.Type;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One SQL statement with {@code $1}-style parameters, bound by index (0 is {@code $1}) or by the
 * name {@code "$1"}; {@link #add()} starts the next set of bindings, and {@link #execute()} runs
 * the statement once per set, every set in one exchange under one Sync (all or nothing outside a
 * transaction, as a script), with one {@link Result} each ({@link ScriptResults}). Without parameters,
 * text holding several statements runs as one script with one result per statement.
 */
final class PgConnR2dbcStatement implements Statement {

    private final PgConnR2dbcConnection connection;
    /** The connection's lend this statement was made in: it fails once the connection went back to its pool since. */
    private final int lend;
    private final String sql;
    private final List<Object[]> bindings = new ArrayList<>();
    private Object[] current;
    private boolean currentTouched;
    private int fetchSize;
    private String[] generatedColumns;

    PgConnR2dbcStatement(PgConnR2dbcConnection connection, String sql) {
        this.connection = connection;
        this.lend = connection.lend();
        this.sql = sql;
        this.current = new Object[parameterCount()];
    }

    /**
     * The parameters the text takes under the connection's standard_conforming_strings now (the core's
     * memo: one lookup, the text is scanned once per setting): a {@code SET standard_conforming_strings}
     * between creating the statement and binding or executing it moves where a {@code '...'} literal
     * with a backslash ends, and so which {@code $n} the server sees.
     */
    private int parameterCount() {
        return connection.pgConnection().sqlShape(sql).parameterCount();
    }

    @Override
    public Statement add() {
        bindings.add(fit(current, "add()"));
        current = new Object[parameterCount()];
        currentTouched = false;
        return this;
    }

    @Override
    public Statement bind(int index, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value for $" + (index + 1) + " must not be null: use bindNull(index, type)");
        }
        checkIndex(index);
        Object checked = checkValue(index, value);
        current = grown(current, index);
        current[index] = checked;
        currentTouched = true;
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        return bind(indexOf(name), value);
    }

    @Override
    public Statement bindNull(int index, Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type for $" + (index + 1) + " must not be null");
        }
        checkIndex(index);
        current = grown(current, index);
        current[index] = SessionPort.BoundValue.nullOf(type);
        currentTouched = true;
        return this;
    }

    @Override
    public Statement bindNull(String name, Class<?> type) {
        return bindNull(indexOf(name), type);
    }

    /**
     * Appends {@code RETURNING *}, or {@code RETURNING} the columns given, to the statement. The names are SQL, joined
     * as given: a name that needs quoting is passed quoted ({@code "\"orderId\""}). An
     * {@link IllegalStateException} when the statement is no {@code INSERT}, {@code UPDATE}, {@code DELETE} or
     * {@code MERGE} or has a {@code RETURNING} clause of its own ({@link ReturningClause}), instead of the server's
     * syntax error about text the application did not write.
     */
    @Override
    public Statement returnGeneratedValues(String... columns) {
        if (columns == null) {
            throw new IllegalArgumentException("columns must not be null (pass none for all columns)");
        }
        for (String column : columns) {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("generated column names must not be null or blank: " + Arrays.toString(columns));
            }
        }
        String refusal = ReturningClause.refusal(sql,
                !"off".equalsIgnoreCase(connection.pgConnection().parameter("standard_conforming_strings")));
        if (refusal != null) {
            throw new IllegalStateException("returnGeneratedValues(" + String.join(", ", columns) + "): " + refusal);
        }
        this.generatedColumns = columns.clone();
        return this;
    }

    @Override
    public Statement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetch size " + rows + " must not be negative");
        }
        this.fetchSize = rows;
        return this;
    }

    @Override
    public Flux<Result> execute() {
        int parameterCount = parameterCount(); // once: every set is fitted to the same count
        List<Object[]> all = new ArrayList<>(bindings.size() + 1);
        for (Object[] saved : bindings) {
            all.add(fit(saved, parameterCount, "execute()"));
        }
        if (currentTouched) {
            all.add(fit(current, parameterCount, "execute()"));
        } else if (!bindings.isEmpty()) {
            throw new IllegalStateException("add() was called after the last bindings and nothing was bound since:"
                    + " remove the trailing add()");
        } else if (parameterCount > 0) {
            fit(current, parameterCount, "execute()");
        }
        String text = withReturning(sql);
        if (parameterCount == 0 && all.isEmpty() && generatedColumns == null && connection.pgConnection().sqlShape(sql).statementCount() > 1) {
            return connection.executeScript(text, lend);
        }
        if (all.isEmpty()) {
            all.add(new Object[0]);
        }
        int rows = fetchSize;
        boolean work = !isSetting(sql);
        if (all.size() == 1 && !hasStreams(all.get(0))) {
            // the common case (one parameter set, no Blob/Clob to read first): no operator chain
            List<SessionPort.BoundValue> parameters = boundValues(all.get(0));
            return Mono.fromSupplier(() -> connection.execute(lend, work, text, parameters, rows)).flux();
        }
        // Blob/Clob values read first; then one set as above, several in one exchange under one Sync (all or nothing)
        return Flux.fromIterable(all).concatMap(PgConnR2dbcStatement::resolve, 1).collectList()
                .flatMapMany(sets -> sets.size() > 1 ? connection.executeSets(text, sets, lend)
                        : Mono.fromSupplier(() -> connection.execute(lend, work, text, sets.get(0), rows)).flux());
    }

    private static boolean hasStreams(Object[] values) {
        for (Object value : values) {
            if (value instanceof Blob || value instanceof Clob) {
                return true;
            }
        }
        return false;
    }

    private static List<SessionPort.BoundValue> boundValues(Object[] values) {
        SessionPort.BoundValue[] bound = new SessionPort.BoundValue[values.length];
        for (int i = 0; i < values.length; i++) {
            bound[i] = values[i] instanceof SessionPort.BoundValue given ? given : SessionPort.BoundValue.of(values[i]);
        }
        return Arrays.asList(bound);
    }

    /** Blob and Clob values are read now (they are streams); everything else is bound as given. */
    private static Mono<List<SessionPort.BoundValue>> resolve(Object[] values) {
        return Flux.fromArray(values).concatMap(PgConnR2dbcStatement::resolve).collectList();
    }

    private static Mono<SessionPort.BoundValue> resolve(Object value) {
        if (value instanceof SessionPort.BoundValue bound) {
            return Mono.just(bound);
        }
        if (value instanceof Blob blob) {
            return Flux.from(blob.stream()).collectList().map(chunks -> {
                int size = chunks.stream().mapToInt(ByteBuffer::remaining).sum();
                ByteBuffer all = ByteBuffer.allocate(size);
                chunks.forEach(all::put);
                return SessionPort.BoundValue.of(all.array());
            }).switchIfEmpty(Mono.fromSupplier(() -> SessionPort.BoundValue.of(new byte[0])));
        }
        if (value instanceof Clob clob) {
            return Flux.from(clob.stream()).collect(StringBuilder::new, StringBuilder::append)
                    .map(text -> SessionPort.BoundValue.of(text.toString()));
        }
        return Mono.just(SessionPort.BoundValue.of(value));
    }

    private Object checkValue(int index, Object value) {
        if (value instanceof Parameter parameter) {
            Object inner = parameter.getValue();
            if (inner == null) {
                return SessionPort.BoundValue.nullOf(javaTypeOf(parameter.getType()));
            }
            return checkValue(index, inner);
        }
        if (value instanceof Blob || value instanceof Clob) {
            return value;
        }
        try {
            ExtendedQuerySession.checkBindable(connection.pgConnection(), value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot bind a value of type " + value.getClass().getName() + " to $" + (index + 1)
                    + ": " + e.getMessage(), e);
        }
        return value;
    }

    private static Class<?> javaTypeOf(Type type) {
        Class<?> javaType = type == null ? null : type.getJavaType();
        return javaType == null ? Object.class : javaType;
    }

    /** {@code values}, grown to hold {@code index} (the count grew since they were made). */
    private static Object[] grown(Object[] values, int index) {
        return index < values.length ? values : Arrays.copyOf(values, index + 1);
    }

    /**
     * {@code values} as the statement takes them now: every {@code $n} bound, none past the count
     * (bound before a {@code SET standard_conforming_strings} moved a literal's end).
     */
    private Object[] fit(Object[] values, String operation) {
        return fit(values, parameterCount(), operation);
    }

    private Object[] fit(Object[] values, int parameterCount, String operation) {
        for (int i = values.length - 1; i >= parameterCount; i--) {
            if (values[i] != null) {
                throw new IllegalStateException("$" + (i + 1) + " is bound, but the statement has " + parameterCount
                        + " parameters (standard_conforming_strings is now "
                        + connection.pgConnection().parameter("standard_conforming_strings") + "); nothing was sent by " + operation);
            }
        }
        Object[] fitted = values.length == parameterCount ? values : Arrays.copyOf(values, parameterCount);
        requireComplete(fitted, operation);
        return fitted;
    }

    private void checkIndex(int index) {
        int parameterCount = parameterCount();
        if (index < 0 || index >= parameterCount) {
            throw new IndexOutOfBoundsException("parameter index " + index + " is out of range: the statement has "
                    + parameterCount + " parameters ($1 is index 0)");
        }
    }

    /** {@code "$3"} is index 2. */
    private int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("parameter name must not be null");
        }
        int parameterCount = parameterCount();
        if (name.length() > 1 && name.charAt(0) == '$' && name.substring(1).chars().allMatch(Character::isDigit)) {
            int number = Integer.parseInt(name.substring(1));
            if (number >= 1 && number <= parameterCount) {
                return number - 1;
            }
        }
        throw new NoSuchElementException("no parameter \"" + name + "\" in the statement: it has "
                + (parameterCount == 0 ? "none" : "$1 to $" + parameterCount));
    }

    private void requireComplete(Object[] values, String operation) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new IllegalStateException("$" + (i + 1) + " is not bound before " + operation
                        + ": bind every parameter ($1 to $" + values.length + "), use bindNull for NULL");
            }
        }
    }

    /**
     * {@code RETURNING *} or {@code RETURNING a, b} after the statement, as asked by returnGeneratedValues:
     * after the statement as the core's scanner reads it (its {@code ;} and a comment after that left
     * out), on a line of its own (a trailing {@code -- comment} would swallow it: the statement ran
     * and its generated values never came).
     */
    private String withReturning(String text) {
        if (generatedColumns == null) {
            return text;
        }
        List<String> statements = connection.pgConnection().statements(text);
        String statement = statements.size() == 1 ? statements.get(0) : text.strip(); // several: the server refuses them
        return statement + "\nRETURNING " + (generatedColumns.length == 0 ? "*" : String.join(", ", generatedColumns));
    }

    /**
     * Whether {@code sql} is a {@code SET} (a setting, as Spring's transaction manager's {@code SET TRANSACTION READ
     * ONLY} when it begins): for the abandoned-lease watch, which tells a borrower's own work from the transaction
     * control and settings a begin leaves ({@link LendFence#workStarted()}). Leading white space skipped; a comment
     * ahead of it makes it work, the safe side (the watch then ends).
     */
    static boolean isSetting(String sql) {
        int i = 0;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return sql.regionMatches(true, i, "SET", 0, 3) && (i + 3 == sql.length() || Character.isWhitespace(sql.charAt(i + 3)));
    }
}
