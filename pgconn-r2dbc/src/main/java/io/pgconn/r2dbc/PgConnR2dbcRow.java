package io.pgconn.r2dbc;

import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;

/** One result row over the session's {@link RowData}; values are decoded when asked for. */
final class PgConnR2dbcRow implements Row {

    private final RowData data;

    PgConnR2dbcRow(RowData data) {
        this.data = data;
    }

    @Override
    public RowMetadata getMetadata() {
        return data.metadata();
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        checkType(type);
        int size = data.metadata().size();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("column index " + index + " is out of range: the row has " + size + " columns");
        }
        return data.get(index, type);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        checkType(type);
        return data.get(data.metadata().indexOf(name), type);
    }

    private static void checkType(Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
    }
}
