package io.pgconn.query;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of a result. Names are looked up exactly first, then case-insensitively (unquoted
 * SQL identifiers are folded to lower case, so {@code "ID"} finds {@code id}); with duplicate
 * names the first column wins.
 */
public final class RowMetadata implements Segment {

    private final List<ColumnMetadata> columns;
    private final Map<String, Integer> exact = new HashMap<>();
    private final Map<String, Integer> folded = new HashMap<>();

    public RowMetadata(List<ColumnMetadata> columns) {
        this.columns = List.copyOf(columns);
        for (int i = 0; i < this.columns.size(); i++) {
            String name = this.columns.get(i).name();
            exact.putIfAbsent(name, i);
            folded.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
        }
    }

    public List<ColumnMetadata> columns() {
        return columns;
    }

    public int size() {
        return columns.size();
    }

    public ColumnMetadata column(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IndexOutOfBoundsException("column index " + index + " (the result has " + columns.size() + " columns)");
        }
        return columns.get(index);
    }

    public ColumnMetadata column(String name) {
        return columns.get(indexOf(name));
    }

    /** @throws IllegalArgumentException naming the column and the columns there are */
    public int indexOf(String name) {
        Integer index = exact.get(name);
        if (index == null && name != null) {
            index = folded.get(name.toLowerCase(Locale.ROOT));
        }
        if (index == null) {
            throw new IllegalArgumentException("no column \"" + name + "\" in " + names());
        }
        return index;
    }

    public boolean contains(String name) {
        return name != null && (exact.containsKey(name) || folded.containsKey(name.toLowerCase(Locale.ROOT)));
    }

    public List<String> names() {
        return columns.stream().map(ColumnMetadata::name).toList();
    }

    @Override
    public String toString() {
        return "RowMetadata" + names();
    }
}
