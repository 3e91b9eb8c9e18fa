package io.pgconn.r2dbc;

/** One row as the session delivered it: the columns of its result and a way to decode each value. */
interface RowData {

    /** The columns of the result this row belongs to (the same object for every row of it). */
    PgConnR2dbcRowMetadata metadata();

    /**
     * The value of column {@code index} (0-based) as {@code type}, {@code null} for SQL NULL;
     * {@code Object.class} gives the column type's default Java type.
     * {@link IllegalArgumentException} when the column's value cannot be read as {@code type}.
     */
    <T> T get(int index, Class<T> type);

    /**
     * One column: its label, its server type, and the class the connection's codecs read its values as by default
     * ({@code CodecRegistry.javaType}: what the core's {@code Row.get(i)} gives, a user codec's class included) and
     * name the type by ({@code "unknown"} for a type without a codec).
     */
    record ColumnInfo(String name, int typeOid, int typeModifier, Class<?> codecJavaType, String codecTypeName) {
    }
}
