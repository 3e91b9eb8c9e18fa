package io.pgconn.r2dbc;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Reads a value in PostgreSQL's text output format as a Java type: for results that arrive as text
 * (the simple query protocol). Only the type conversions R2DBC applications commonly ask for; any
 * other request is an {@link IllegalArgumentException} naming the column and the type.
 */
final class TextValues {

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();
    private static final DateTimeFormatter TIMESTAMPTZ = new DateTimeFormatterBuilder()
            .append(TIMESTAMP).appendPattern("[XXX][XX][X]").toFormatter();
    private static final DateTimeFormatter TIMETZ = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_TIME).appendPattern("[XXX][XX][X]").toFormatter();

    private TextValues() {
    }

    @SuppressWarnings("unchecked")
    static <T> T read(String text, PgType columnType, Class<T> type, String column) {
        if (text == null) {
            return null;
        }
        Class<?> target = type == Object.class ? columnType.getJavaType() : type;
        try {
            return (T) convert(text, columnType, target);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("column")) {
                throw e;
            }
            throw new IllegalArgumentException("column \"" + column + "\" of type " + columnType.getName()
                    + " cannot be read as " + type.getName(), e);
        }
    }

    private static Object convert(String text, PgType columnType, Class<?> target) {
        if (target == String.class || target == CharSequence.class) {
            return text;
        }
        if (target == Integer.class || target == int.class) {
            return Integer.valueOf(text);
        }
        if (target == Long.class || target == long.class) {
            return Long.valueOf(text);
        }
        if (target == Short.class || target == short.class) {
            return Short.valueOf(text);
        }
        if (target == Byte.class || target == byte.class) {
            return Byte.valueOf(text);
        }
        if (target == Boolean.class || target == boolean.class) {
            return switch (text) {
                case "t", "true", "on" -> Boolean.TRUE;
                case "f", "false", "off" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("not a boolean");
            };
        }
        if (target == Double.class || target == double.class) {
            return Double.valueOf(text);
        }
        if (target == Float.class || target == float.class) {
            return Float.valueOf(text);
        }
        if (target == BigDecimal.class) {
            return new BigDecimal(text);
        }
        if (target == BigInteger.class) {
            return new BigInteger(text);
        }
        if (target == Number.class) {
            return new BigDecimal(text);
        }
        if (target == UUID.class) {
            return UUID.fromString(text);
        }
        if (target == LocalDate.class) {
            return LocalDate.parse(text);
        }
        if (target == LocalTime.class) {
            return LocalTime.parse(text);
        }
        if (target == LocalDateTime.class) {
            return LocalDateTime.parse(text, TIMESTAMP);
        }
        if (target == OffsetDateTime.class) {
            return OffsetDateTime.parse(text, TIMESTAMPTZ);
        }
        if (target == OffsetTime.class) {
            return OffsetTime.parse(text, TIMETZ);
        }
        if (target == byte[].class) {
            return bytes(text);
        }
        if (target == ByteBuffer.class) {
            return ByteBuffer.wrap(bytes(text));
        }
        if (target == Blob.class) {
            byte[] bytes = bytes(text);
            return Blob.from(Mono.fromSupplier(() -> ByteBuffer.wrap(bytes)));
        }
        if (target == Clob.class) {
            return Clob.from(Mono.just(text));
        }
        if (target == Object.class) {
            return text;
        }
        throw new IllegalArgumentException("no conversion");
    }

    /** bytea's hex output ({@code \x0a0b}); text of other types is its UTF-8. */
    private static byte[] bytes(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

}
