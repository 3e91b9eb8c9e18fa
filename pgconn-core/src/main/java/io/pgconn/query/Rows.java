package io.pgconn.query;

import io.pgconn.codec.PgConversionException;

/** What {@link Row}'s primitive getters share. */
final class Rows {

    private Rows() {
    }

    /** {@code value}, or a clear error naming the column when it is SQL NULL (a primitive has no null). */
    static <T> T nonNull(T value, Row row, int index) {
        if (value == null) {
            throw new PgConversionException("column " + index + " (\"" + row.metadata().column(index).name()
                    + "\") is NULL, which a primitive cannot hold: check isNull(" + index + ") or read it with get(" + index + ", Class)");
        }
        return value;
    }
}
