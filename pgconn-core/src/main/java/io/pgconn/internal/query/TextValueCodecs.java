package io.pgconn.internal.query;

import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.RowMetadata;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Every value as text, both directions: parameters are sent as PostgreSQL's input syntax with the
 * type OID of their Java type, columns are read as PostgreSQL prints them and parsed on access.
 * For protocol tests that want the wire in text; connections use {@link RegistryValueCodecs}.
 */
public final class TextValueCodecs implements ValueCodecs {

    public static final TextValueCodecs INSTANCE = new TextValueCodecs();

    static final int BOOL = 16, BYTEA = 17, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25, OID = 26, FLOAT4 = 700,
            FLOAT8 = 701, VARCHAR = 1043, DATE = 1082, TIME = 1083, TIMESTAMP = 1114, TIMESTAMPTZ = 1184,
            NUMERIC = 1700, UUID_OID = 2950;

    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
            .appendOffset("+HH:mm", "+00").toFormatter();

    private TextValueCodecs() {
    }

    @Override
    public Encoded encode(Object value, int typeOid) {
        return new Encoded(typeOid != 0 ? typeOid : typeOidOf(value.getClass()), (short) 0, textOf(value));
    }

    @Override
    public RowDecoder rowDecoder(RowMetadata metadata, String host) {
        return new RowDecoder() {
            @Override
            public String host() {
                return host;
            }

            @Override
            public <T> T decode(DataRow row, int index, int offset, int length, ValueView views, Class<T> type) {
                return TextValueCodecs.this.decode(row.data(), offset, length, metadata.column(index), type);
            }
        };
    }

    @Override
    public int typeOidOf(Class<?> type) {
        if (type == Integer.class || type == int.class) return INT4;
        if (type == Long.class || type == long.class) return INT8;
        if (type == Short.class || type == short.class) return INT2;
        if (type == Boolean.class || type == boolean.class) return BOOL;
        if (type == Double.class || type == double.class) return FLOAT8;
        if (type == Float.class || type == float.class) return FLOAT4;
        if (type == BigDecimal.class) return NUMERIC;
        if (type == UUID.class) return UUID_OID;
        if (type == LocalDate.class) return DATE;
        if (type == LocalTime.class) return TIME;
        if (type == LocalDateTime.class) return TIMESTAMP;
        if (type == OffsetDateTime.class || type == Instant.class) return TIMESTAMPTZ;
        if (type == byte[].class) return BYTEA;
        return 0; // String and the rest: the server infers the type from the statement
    }

    private static byte[] textOf(Object value) {
        String text;
        if (value instanceof Boolean b) {
            text = b ? "t" : "f";
        } else if (value instanceof byte[] bytes) {
            text = "\\x" + HexFormat.of().formatHex(bytes);
        } else if (value instanceof BigDecimal d) {
            text = d.toPlainString();
        } else {
            text = value.toString();
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public short resultFormat(int typeOid) {
        return 0;
    }

    @SuppressWarnings("unchecked")
    <T> T decode(byte[] data, int offset, int length, ColumnMetadata column, Class<T> type) {
        String text = new String(data, offset, length, StandardCharsets.UTF_8);
        try {
            Object value = type == Object.class ? byOid(text, column.typeOid()) : as(text, column.typeOid(), type);
            return (T) value;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getCause() == null && e.getMessage() != null
                    && e.getMessage().startsWith("column ")) {
                throw e;
            }
            // the value itself is not shown: it may be a secret
            throw new IllegalArgumentException("column \"" + column.name() + "\" (type OID " + column.typeOid()
                    + ") cannot be read as " + type.getName() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static Object byOid(String text, int oid) {
        return switch (oid) {
            case BOOL -> as(text, oid, Boolean.class);
            case INT2 -> Short.valueOf(text);
            case INT4 -> Integer.valueOf(text);
            case INT8, OID -> Long.valueOf(text);
            case FLOAT4 -> Float.valueOf(text);
            case FLOAT8 -> Double.valueOf(text);
            case NUMERIC -> as(text, oid, BigDecimal.class);
            case UUID_OID -> UUID.fromString(text);
            case DATE -> LocalDate.parse(text);
            case TIME -> LocalTime.parse(text);
            case TIMESTAMP -> LocalDateTime.parse(text, LOCAL_DATE_TIME);
            case TIMESTAMPTZ -> OffsetDateTime.parse(text, OFFSET_DATE_TIME);
            case BYTEA -> as(text, oid, byte[].class);
            default -> text;
        };
    }

    private static Object as(String text, int oid, Class<?> type) {
        if (type == String.class) return text;
        if (type == Integer.class || type == int.class) return Integer.valueOf(text);
        if (type == Long.class || type == long.class) return Long.valueOf(text);
        if (type == Short.class || type == short.class) return Short.valueOf(text);
        if (type == Double.class || type == double.class) return Double.valueOf(text);
        if (type == Float.class || type == float.class) return Float.valueOf(text);
        if (type == BigDecimal.class) return new BigDecimal(text);
        if (type == Boolean.class || type == boolean.class) {
            return switch (text) {
                case "t", "true" -> Boolean.TRUE;
                case "f", "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("column value is not a boolean");
            };
        }
        if (type == UUID.class) return UUID.fromString(text);
        if (type == LocalDate.class) return LocalDate.parse(text);
        if (type == LocalTime.class) return LocalTime.parse(text);
        if (type == LocalDateTime.class) return LocalDateTime.parse(text, LOCAL_DATE_TIME);
        if (type == OffsetDateTime.class) return OffsetDateTime.parse(text, OFFSET_DATE_TIME);
        if (type == Instant.class) return OffsetDateTime.parse(text, OFFSET_DATE_TIME).toInstant();
        if (type == byte[].class) {
            if (oid == BYTEA && text.startsWith("\\x")) {
                return HexFormat.of().parseHex(text, 2, text.length());
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (type == Number.class) return new BigDecimal(text);
        throw new IllegalArgumentException("no text decoding to " + type.getName());
    }
}
