package io.pgconn.r2dbc;

import io.pgconn.codec.CodecRegistry;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.RowMetadata;

import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The columns of one result, shared by all its rows (and by every result of the same prepared
 * statement: the session keeps one per server-side description). Names match case-insensitively
 * (R2DBC asks for that); with duplicate names the first column wins.
 */
final class PgConnR2dbcRowMetadata implements RowMetadata {

    private final List<PgConnR2dbcColumnMetadata> columns;
    private final CodecRegistry codecs;
    /** Per column, the Java type {@code get(i, Object.class)} reads (the announced one); null: the core codec's default. */
    private final Class<?>[] readTypes;

    PgConnR2dbcRowMetadata(List<RowData.ColumnInfo> source, CodecRegistry codecs) {
        this.codecs = codecs;
        this.columns = source.stream().map(PgConnR2dbcColumnMetadata::new).toList();
        this.readTypes = new Class<?>[columns.size()];
        for (int i = 0; i < readTypes.length; i++) {
            PgType type = PgType.ofOid(source.get(i).typeOid());
            readTypes[i] = type == PgType.UNKNOWN ? null : type.getJavaType();
        }
    }

    /** The connection's codecs the columns' classes were taken from. */
    CodecRegistry codecs() {
        return codecs;
    }

    int size() {
        return readTypes.length;
    }

    /**
     * The Java type a value of column {@code index} reads as when {@code Object.class} is asked for,
     * so values and metadata agree (bytea: ByteBuffer, json: String); null for types the table does
     * not know, which keep the core's default.
     */
    Class<?> readType(int index) {
        return readTypes[index];
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
