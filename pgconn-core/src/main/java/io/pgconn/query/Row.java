package io.pgconn.query;

/**
 * One result row. Values are decoded on access, as the requested Java type; SQL NULL is
 * {@code null}. Column indexes are 0-based. A row stays valid after the stream moved on (it holds
 * its own copy of the bytes), and may be read from any thread, also from several at once.
 */
public non-sealed interface Row extends Segment {

    RowMetadata metadata();

    default int size() {
        return metadata().size();
    }

    /**
     * Column {@code index} decoded as {@code type} by the connection's codecs; {@code Object.class}
     * gives the type's default Java mapping. {@code String.class} reads every built-in type as
     * the text PostgreSQL would print for it (ISO dates, timestamptz at UTC, bytea hex ...), and an
     * unknown type as the text the server sent (see docs/codecs.md for every mapping).
     *
     * @throws io.pgconn.codec.PgConversionException when no codec reads the column's type as {@code type} (naming both)
     */
    <T> T get(int index, Class<T> type);

    default <T> T get(String name, Class<T> type) {
        return get(metadata().indexOf(name), type);
    }

    /** The default Java mapping of the column's type. */
    default Object get(int index) {
        return get(index, Object.class);
    }

    default Object get(String name) {
        return get(name, Object.class);
    }

    default String getString(int index) {
        return get(index, String.class);
    }

    default String getString(String name) {
        return get(name, String.class);
    }

    /**
     * Column {@code index} as an {@code int}: what {@code get(index, Integer.class)} reads, without
     * the box (binary {@code int2}/{@code int4} read by the built-in codec skip the codecs altogether).
     *
     * @throws io.pgconn.codec.PgConversionException when the value is SQL NULL (check {@link #isNull})
     *         or does not fit an {@code int}
     */
    default int getInt(int index) {
        return Rows.nonNull(get(index, Integer.class), this, index);
    }

    /** Column {@code index} as a {@code long}, as {@link #getInt} does for {@code Long} (binary {@code int4/int8} without the codecs). */
    default long getLong(int index) {
        return Rows.nonNull(get(index, Long.class), this, index);
    }

    /** Column {@code index} as a {@code double}, as {@link #getInt} does for {@code Double} (binary {@code float8} without the codecs). */
    default double getDouble(int index) {
        return Rows.nonNull(get(index, Double.class), this, index);
    }

    /** Column {@code index} as a {@code boolean}, as {@link #getInt} does for {@code Boolean}. */
    default boolean getBoolean(int index) {
        return Rows.nonNull(get(index, Boolean.class), this, index);
    }

    boolean isNull(int index);

    default boolean isNull(String name) {
        return isNull(metadata().indexOf(name));
    }

    /** The type OID of column {@code index}. */
    default int getOid(int index) {
        return metadata().column(index).typeOid();
    }
}
