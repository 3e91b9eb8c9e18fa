package io.pgconn.r2dbc;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;

/**
 * One result column: its label, its PostgreSQL type ({@link #getNativeTypeMetadata()} is the type
 * OID) and the Java type its values read as by default. Nullability is not known from a result.
 */
final class PgConnR2dbcColumnMetadata implements ColumnMetadata {

    private final RowData.ColumnInfo column;
    private final PgType type;

    PgConnR2dbcColumnMetadata(RowData.ColumnInfo column) {
        this.column = column;
        this.type = PgType.ofOid(column.typeOid());
    }

    @Override
    public String getName() {
        return column.name();
    }

    @Override
    public Type getType() {
        return type;
    }

    @Override
    public Class<?> getJavaType() {
        return type.getJavaType();
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
        return "Column[" + column.name() + " " + type.getName() + "]";
    }
}
