package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.QueryResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link SessionPort} over the core's simple query protocol: parameters are sent as typed SQL
 * literals ({@code '42'::int4}), escaped for the session's {@code standard_conforming_strings},
 * and results come back as text with no column types. It stands in until the core's extended query
 * path (typed binary parameters, streaming rows) is available and is replaced by it.
 */
final class SimpleQuerySession implements SessionPort {

    /** The cast each parameter class gets, so the server types the literal as a bound parameter would be. */
    private static final Map<Class<?>, String> CASTS = Map.ofEntries(
            Map.entry(String.class, "text"), Map.entry(Integer.class, "int4"), Map.entry(Long.class, "int8"),
            Map.entry(Short.class, "int2"), Map.entry(Byte.class, "int2"), Map.entry(Boolean.class, "bool"),
            Map.entry(Double.class, "float8"), Map.entry(Float.class, "float4"), Map.entry(BigDecimal.class, "numeric"),
            Map.entry(BigInteger.class, "numeric"), Map.entry(UUID.class, "uuid"), Map.entry(LocalDate.class, "date"),
            Map.entry(LocalTime.class, "time"), Map.entry(LocalDateTime.class, "timestamp"),
            Map.entry(OffsetDateTime.class, "timestamptz"), Map.entry(ZonedDateTime.class, "timestamptz"),
            Map.entry(Instant.class, "timestamptz"), Map.entry(OffsetTime.class, "timetz"),
            Map.entry(byte[].class, "bytea"), Map.entry(ByteBuffer.class, "bytea"), Map.entry(Character.class, "text"));

    private final PgConnection connection;

    SimpleQuerySession(PgConnection connection) {
        this.connection = connection;
    }

    static boolean supports(Class<?> type) {
        return CASTS.containsKey(type) || ByteBuffer.class.isAssignableFrom(type);
    }

    @Override
    public PgConnection connection() {
        return connection;
    }

    @Override
    public Flux<ResultPart> execute(String sql, List<BoundValue> parameters, int fetchSize) {
        return Flux.defer(() -> parts(connection.simpleQuery(parameters.isEmpty() ? sql : inline(sql, parameters))));
    }

    @Override
    public Flux<ResultPart> executeScript(String sql) {
        return Flux.defer(() -> parts(connection.simpleQuery(sql)));
    }

    private static Flux<ResultPart> parts(CompletableFuture<QueryResult> submitted) {
        return Mono.fromFuture(submitted, true).flatMapMany(result -> {
            List<RowData.ColumnInfo> columns = result.columns().stream()
                    .map(name -> new RowData.ColumnInfo(name, 0, -1)).toList();
            List<ResultPart> parts = new ArrayList<>(result.rows().size() + 1);
            for (List<String> row : result.rows()) {
                parts.add(new ResultPart.RowPart(new TextRow(columns, row)));
            }
            parts.add(ResultPart.Completion.of(result.commandTag()));
            return Flux.fromIterable(parts);
        });
    }

    private String inline(String sql, List<BoundValue> parameters) {
        boolean standardStrings = !"off".equals(connection.parameter("standard_conforming_strings"));
        StringBuilder out = new StringBuilder(sql.length() + 16 * parameters.size());
        int from = 0;
        for (SqlPlaceholders.Placeholder placeholder : SqlPlaceholders.find(sql)) {
            out.append(sql, from, placeholder.start());
            out.append(literal(parameters.get(placeholder.index() - 1), standardStrings));
            from = placeholder.end();
        }
        return out.append(sql, from, sql.length()).toString();
    }

    private static String literal(BoundValue bound, boolean standardStrings) {
        Class<?> type = ByteBuffer.class.isAssignableFrom(bound.type()) ? ByteBuffer.class : bound.type();
        String cast = CASTS.get(type);
        if (bound.value() == null) {
            return cast == null ? "NULL" : "NULL::" + cast;
        }
        String text;
        Object value = bound.value();
        if (value instanceof byte[] bytes) {
            text = "\\x" + HexFormat.of().formatHex(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            text = "\\x" + HexFormat.of().formatHex(bytes);
        } else if (value instanceof LocalDateTime t) {
            text = t.toLocalDate() + " " + t.toLocalTime();
        } else if (value instanceof Boolean b) {
            text = b ? "t" : "f";
        } else {
            text = value.toString();
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a parameter of type " + type.getSimpleName()
                    + " contains a NUL character, which PostgreSQL text cannot hold");
        }
        return quote(text, standardStrings) + "::" + cast;
    }

    private static String quote(String text, boolean standardStrings) {
        String doubled = text.replace("'", "''");
        return standardStrings ? "'" + doubled + "'" : "E'" + doubled.replace("\\", "\\\\") + "'";
    }

    /** A row of text values. */
    private record TextRow(List<ColumnInfo> columns, List<String> values) implements RowData {

        @Override
        public <T> T get(int index, Class<T> type) {
            ColumnInfo column = columns.get(index);
            return TextValues.read(values.get(index), PgType.ofOid(column.typeOid()), type, column.name());
        }
    }
}
