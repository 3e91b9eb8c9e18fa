package io.pgconn.r2dbc;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;

/**
 * One result column: its label, its PostgreSQL type ({@link #getNativeTypeMetadata()} is the type
 * OID) and the Java type its values read as by default — the class of what {@code Row.get(i)} returns:
 * {@link PgType}'s for the types it lists, otherwise the connection's codecs' ({@code String[]} for
 * {@code text[]}, {@code PgInterval}, {@code InetAddress}, {@code String} for an enum, a user codec's class;
 * NEW-USER-27 F4: it was {@code Object} for all of these). Nullability is not known from a result.
 */
final class PgConnR2dbcColumnMetadata implements ColumnMetadata {

    private final RowData.ColumnInfo column;
    private final PgType type;
    /** {@link #type}, or for a type it does not list, the type as the codecs name and read it. */
    private final Type announced;

    PgConnR2dbcColumnMetadata(RowData.ColumnInfo column) {
        this.column = column;
        this.type = PgType.ofOid(column.typeOid());
        this.announced = type == PgType.UNKNOWN ? new CodecType(column.codecTypeName(), column.codecJavaType()) : type;
    }

    @Override
    public String getName() {
        return column.name();
    }

    @Override
    public Type getType() {
        return announced;
    }

    @Override
    public Class<?> getJavaType() {
        return announced.getJavaType();
    }

    /** The column's type OID. */
    @Override
    public Integer getNativeTypeMetadata() {
        return column.typeOid();
    }

    @Override
    public Nullability getNullability() {
        return Nullability.UNKNOWN;
    }

    /** numeric(p, s): p; varchar(n)/bpchar(n): n; otherwise unknown. */
    @Override
    public Integer getPrecision() {
        int modifier = column.typeModifier();
        if (modifier < 0) {
            return null;
        }
        return switch (type) {
            case NUMERIC -> ((modifier - 4) >> 16) & 0xffff;
            case VARCHAR, BPCHAR -> modifier - 4;
            default -> null;
        };
    }

    @Override
    public Integer getScale() {
        int modifier = column.typeModifier();
        return type == PgType.NUMERIC && modifier >= 0 ? (modifier - 4) & 0xffff : null;
    }

    @Override
    public String toString() {
        return "Column[" + column.name() + " " + announced.getName() + "]";
    }
}
