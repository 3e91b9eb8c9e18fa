package io.pgconn.codec;

import java.util.Objects;

/**
 * The PostgreSQL type a {@link Codec} reads and writes: either a built-in type with a fixed OID, or a
 * type known only by name (an extension's type such as {@code hstore} or pgvector's {@code vector})
 * whose OID differs per database and is bound per connection by {@link CodecRegistry#bind}.
 *
 * <p>The name is what error messages show; for a named type it must match {@code pg_type.typname}
 * as the connection looks it up (see the {@code extensionTypes} connection setting).
 */
public final class PgType {

    public static final PgType BOOL = builtin(Oids.BOOL, "bool", Oids.BOOL_ARRAY);
    public static final PgType BYTEA = builtin(Oids.BYTEA, "bytea", Oids.BYTEA_ARRAY);
    public static final PgType NAME = builtin(Oids.NAME, "name", Oids.NAME_ARRAY);
    public static final PgType INT8 = builtin(Oids.INT8, "int8", Oids.INT8_ARRAY);
    public static final PgType INT2 = builtin(Oids.INT2, "int2", Oids.INT2_ARRAY);
    public static final PgType INT4 = builtin(Oids.INT4, "int4", Oids.INT4_ARRAY);
    public static final PgType TEXT = builtin(Oids.TEXT, "text", Oids.TEXT_ARRAY);
    public static final PgType OID = builtin(Oids.OID, "oid", Oids.OID_ARRAY);
    public static final PgType JSON = builtin(Oids.JSON, "json", Oids.JSON_ARRAY);
    public static final PgType CIDR = builtin(Oids.CIDR, "cidr", Oids.CIDR_ARRAY);
    public static final PgType FLOAT4 = builtin(Oids.FLOAT4, "float4", Oids.FLOAT4_ARRAY);
    public static final PgType FLOAT8 = builtin(Oids.FLOAT8, "float8", Oids.FLOAT8_ARRAY);
    public static final PgType INET = builtin(Oids.INET, "inet", Oids.INET_ARRAY);
    public static final PgType BPCHAR = builtin(Oids.BPCHAR, "bpchar", Oids.BPCHAR_ARRAY);
    public static final PgType VARCHAR = builtin(Oids.VARCHAR, "varchar", Oids.VARCHAR_ARRAY);
    public static final PgType DATE = builtin(Oids.DATE, "date", Oids.DATE_ARRAY);
    public static final PgType TIME = builtin(Oids.TIME, "time", Oids.TIME_ARRAY);
    public static final PgType TIMESTAMP = builtin(Oids.TIMESTAMP, "timestamp", Oids.TIMESTAMP_ARRAY);
    public static final PgType TIMESTAMPTZ = builtin(Oids.TIMESTAMPTZ, "timestamptz", Oids.TIMESTAMPTZ_ARRAY);
    public static final PgType INTERVAL = builtin(Oids.INTERVAL, "interval", Oids.INTERVAL_ARRAY);
    public static final PgType TIMETZ = builtin(Oids.TIMETZ, "timetz", Oids.TIMETZ_ARRAY);
    public static final PgType NUMERIC = builtin(Oids.NUMERIC, "numeric", Oids.NUMERIC_ARRAY);
    public static final PgType UUID = builtin(Oids.UUID, "uuid", Oids.UUID_ARRAY);
    public static final PgType JSONB = builtin(Oids.JSONB, "jsonb", Oids.JSONB_ARRAY);
    /** The {@code hstore} extension's type; its OID is bound per connection. */
    public static final PgType HSTORE = named("hstore");
    /** pgvector's {@code vector}; its OID is bound per connection. */
    public static final PgType VECTOR = named("vector");

    private final int oid;
    private final String name;
    private final int arrayOid;

    private PgType(int oid, String name, int arrayOid) {
        this.oid = oid;
        this.name = Objects.requireNonNull(name, "name");
        this.arrayOid = arrayOid;
    }

    /**
     * A type with a fixed OID (a built-in one, or one a user knows is stable in their database).
     *
     * @param arrayOid the OID of its array type, {@code 0} when arrays of it have no codec
     */
    public static PgType of(int oid, String name, int arrayOid) {
        if (oid == 0) {
            throw new IllegalArgumentException("a fixed type needs a non-zero OID; use PgType.named(\"" + name + "\")");
        }
        return new PgType(oid, name, arrayOid);
    }

    /** A type with a fixed OID whose arrays have no codec. */
    public static PgType of(int oid, String name) {
        return of(oid, name, 0);
    }

    /**
     * A type known by its {@code pg_type.typname}: its codec is bound to the OID each connection
     * discovers; where the type does not exist, the codec is not used.
     */
    public static PgType named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a named type needs a name");
        }
        return new PgType(0, name, 0);
    }

    private static PgType builtin(int oid, String name, int arrayOid) {
        return new PgType(oid, name, arrayOid);
    }

    /** The fixed OID, or {@code 0} for a {@linkplain #isNamed() named} type. */
    public int oid() {
        return oid;
    }

    public String name() {
        return name;
    }

    /** The OID of the array type, or {@code 0} when there is none with a codec. */
    public int arrayOid() {
        return arrayOid;
    }

    /** Whether the OID is found per connection by name rather than fixed. */
    public boolean isNamed() {
        return oid == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgType t && t.oid == oid && t.arrayOid == arrayOid && t.name.equals(name);
    }

    @Override
    public int hashCode() {
        return 31 * oid + name.hashCode();
    }

    @Override
    public String toString() {
        return isNamed() ? name + " (named)" : name + " (oid " + oid + ")";
    }
}
