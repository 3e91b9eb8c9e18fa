package io.pgconn.r2dbc;

import io.r2dbc.spi.Type;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL built-in types R2DBC column metadata names, by OID, with the Java type a value of
 * each reads as by default. Other types (arrays, inet, interval, extension types) read as the
 * core's codec for them decides.
 */
enum PgType implements Type {
    BOOL(16, "bool", Boolean.class),
    BYTEA(17, "bytea", ByteBuffer.class),
    NAME(19, "name", String.class),
    INT8(20, "int8", Long.class),
    INT2(21, "int2", Short.class),
    INT4(23, "int4", Integer.class),
    TEXT(25, "text", String.class),
    OID(26, "oid", Long.class),
    JSON(114, "json", String.class),
    FLOAT4(700, "float4", Float.class),
    FLOAT8(701, "float8", Double.class),
    BPCHAR(1042, "bpchar", String.class),
    VARCHAR(1043, "varchar", String.class),
    DATE(1082, "date", LocalDate.class),
    TIME(1083, "time", LocalTime.class),
    TIMESTAMP(1114, "timestamp", LocalDateTime.class),
    TIMESTAMPTZ(1184, "timestamptz", OffsetDateTime.class),
    TIMETZ(1266, "timetz", OffsetTime.class),
    NUMERIC(1700, "numeric", BigDecimal.class),
    UUID_TYPE(2950, "uuid", UUID.class),
    JSONB(3802, "jsonb", String.class),
    /** Any type this table does not know: its values read as the core's codec for it decides. */
    UNKNOWN(0, "unknown", Object.class);

    private static final Map<Integer, PgType> BY_OID = new HashMap<>();

    static {
        for (PgType type : values()) {
            BY_OID.put(type.oid, type);
        }
    }

    private final int oid;
    private final String typeName;
    private final Class<?> javaType;

    PgType(int oid, String typeName, Class<?> javaType) {
        this.oid = oid;
        this.typeName = typeName;
        this.javaType = javaType;
    }

    static PgType ofOid(int oid) {
        return BY_OID.getOrDefault(oid, UNKNOWN);
    }

    int oid() {
        return oid;
    }

    @Override
    public Class<?> getJavaType() {
        return javaType;
    }

    @Override
    public String getName() {
        return typeName;
    }
}
