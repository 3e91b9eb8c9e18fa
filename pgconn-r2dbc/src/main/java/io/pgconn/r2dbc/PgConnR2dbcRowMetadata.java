package io.pgconn.r2dbc;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.RowMetadata;

import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The columns of one result, shared by all its rows. Names match case-insensitively (R2DBC asks
 * for that); with duplicate names the first column wins.
 */
final class PgConnR2dbcRowMetadata implements RowMetadata {

    private final List<RowData.ColumnInfo> source;
    private final List<PgConnR2dbcColumnMetadata> columns;

    PgConnR2dbcRowMetadata(List<RowData.ColumnInfo> source) {
        this.source = source;
        this.columns = source.stream().map(PgConnR2dbcColumnMetadata::new).toList();
    }

    /** Whether this metadata describes {@code columnInfos} (the list every row of one result shares). */
    boolean describes(List<RowData.ColumnInfo> columnInfos) {
        return source == columnInfos;
    }

    @Override
    public ColumnMetadata getColumnMetadata(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IndexOutOfBoundsException("column index " + index + " is out of range: the result has "
                    + columns.size() + " columns");
        }
        return columns.get(index);
    }

    @Override
    public ColumnMetadata getColumnMetadata(String name) {
        return columns.get(indexOf(name));
    }

    @Override
    public List<? extends ColumnMetadata> getColumnMetadatas() {
        return columns;
    }

    @Override
    public boolean contains(String columnName) {
        return find(columnName) >= 0;
    }

    int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("column name must not be null");
        }
        int index = find(name);
        if (index < 0) {
            throw new NoSuchElementException("no column \"" + name + "\" in the result, its columns are "
                    + columns.stream().map(PgConnR2dbcColumnMetadata::getName).toList());
        }
        return index;
    }

    private int find(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).getName().equals(name)) {
                return i;
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).getName().toLowerCase(Locale.ROOT).equals(lower)) {
                return i;
            }
        }
        return -1;
    }
}
