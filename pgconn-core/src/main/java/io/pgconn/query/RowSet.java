package io.pgconn.query;

import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * One execution's result gathered in memory: for small results (use {@link PgStatement#execute()}
 * to stream large ones). {@code metadata} has no columns when the statement returns no rows.
 */
public record RowSet(RowMetadata metadata, List<Row> rows, String commandTag, OptionalLong rowCount)
        implements Iterable<Row> {

    public RowSet {
        rows = List.copyOf(rows);
    }

    public int size() {
        return rows.size();
    }

    /** @throws IndexOutOfBoundsException naming the index, the row count and the command tag */
    public Row row(int index) {
        if (index < 0 || index >= rows.size()) {
            throw new IndexOutOfBoundsException("row index " + index + " of a result with " + rows.size() + " rows"
                    + (commandTag == null || commandTag.isEmpty() ? "" : " (" + commandTag + ")")
                    + (rows.isEmpty() ? ": the statement returned no rows" : ""));
        }
        return rows.get(index);
    }

    /** Rows affected (INSERT/UPDATE/DELETE/MERGE) or returned (SELECT); 0 when the tag has no count. */
    public long rowsAffected() {
        return rowCount.orElse(0);
    }

    /** The first column of the first row as {@code type}, or {@code null} when there is no row. */
    public <T> T single(Class<T> type) {
        return rows.isEmpty() ? null : rows.get(0).get(0, type);
    }

    @Override
    public Iterator<Row> iterator() {
        return rows.iterator();
    }

    @Override
    public String toString() {
        return "RowSet[" + commandTag + ", " + rows.size() + " rows, columns=" + metadata.names() + "]";
    }
}
