package io.pgconn;

import java.util.List;

/**
 * The result of a statement run with the
 * <a href="https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY">simple query protocol</a>:
 * column names, rows as text ({@code null} for SQL NULL) and the command tag.
 */
public record QueryResult(List<String> columns, List<List<String>> rows, String commandTag) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The value of {@code column} in row {@code row}. */
    public String value(int row, String column) {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column \"" + column + "\" in " + columns);
        }
        return rows.get(row).get(index);
    }

    /** The first column of the first row, or {@code null} when there is none. */
    public String singleValue() {
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }
}
