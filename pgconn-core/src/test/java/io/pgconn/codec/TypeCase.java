package io.pgconn.codec;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One column type of the type matrix: the values sent as parameters, the class pgconn reads them as,
 * what it must read, and how pgjdbc's reading of the same row is put in pgconn's terms.
 *
 * @param sqlType   the column type
 * @param values    non-null parameter values (NULL is always tried as well)
 * @param readAs    the class pgconn reads the column as
 * @param expected  what pgconn must read for a value (identity for most)
 * @param jdbc      pgjdbc's reading of the column, converted to what pgconn reads
 * @param minMajor  the first PostgreSQL major where all values are valid
 * @param element   for an array type, the case of its element type (pgjdbc then reads the elements
 *                  one by one through {@code unnest}, with the element case's reader)
 * @param cast      whether the parameter is cast to the column type in the INSERT (for types no Java
 *                  class maps to, e.g. {@code json[]}: a {@code List<String>} is a {@code text[]})
 */
record TypeCase(String sqlType, List<Object> values, Class<?> readAs, Function<Object, Object> expected,
                JdbcRead jdbc, int minMajor, TypeCase element, boolean cast) {

    /** Reads column {@code column} of the current row, non-NULL. */
    @FunctionalInterface
    interface JdbcRead {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    static TypeCase of(String sqlType, Class<?> readAs, JdbcRead jdbc, Object... values) {
        return new TypeCase(sqlType, Arrays.asList(values), readAs, Function.identity(), jdbc, 0, null, false);
    }

    TypeCase expecting(Function<Object, Object> expectation) {
        return new TypeCase(sqlType, values, readAs, expectation, jdbc, minMajor, element, cast);
    }

    TypeCase since(int major) {
        return new TypeCase(sqlType, values, readAs, expected, jdbc, major, element, cast);
    }

    /** An array case over this element case, with these lists (elements may be null). */
    TypeCase arrayOf(String arrayType, Object... lists) {
        return new TypeCase(arrayType, Arrays.asList(lists), List.class, Function.identity(), null, minMajor, this, false);
    }

    TypeCase castParameter() {
        return new TypeCase(sqlType, values, readAs, expected, jdbc, minMajor, element, true);
    }

    /** A table name for this type. */
    String table() {
        return "m_" + sqlType.replaceAll("[^a-zA-Z0-9]+", "_");
    }

    @Override
    public String toString() {
        return sqlType;
    }
}
