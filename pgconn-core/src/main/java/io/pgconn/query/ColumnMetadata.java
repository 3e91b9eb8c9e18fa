package io.pgconn.query;

/**
 * One result column as the server described it (RowDescription). {@code tableOid} and
 * {@code columnNumber} are 0 when the column is not a plain table column; {@code format} is how
 * its values travel (0 text, 1 binary).
 */
public record ColumnMetadata(String name, int typeOid, int typeModifier, short typeSize, int tableOid,
                             short columnNumber, short format) {
}
