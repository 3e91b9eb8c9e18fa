package io.pgconn.query;

/**
 * How {@link io.pgconn.PgConnection#begin(TransactionOptions)} starts a transaction; a
 * {@code null} field keeps the session's default.
 */
public record TransactionOptions(IsolationLevel isolationLevel, Boolean readOnly, Boolean deferrable) {

    public static final TransactionOptions DEFAULT = new TransactionOptions(null, null, null);

    public static TransactionOptions isolation(IsolationLevel level) {
        return new TransactionOptions(level, null, null);
    }

    public TransactionOptions readOnly(boolean value) {
        return new TransactionOptions(isolationLevel, value, deferrable);
    }

    public TransactionOptions deferrable(boolean value) {
        return new TransactionOptions(isolationLevel, readOnly, value);
    }

    /** The BEGIN statement: {@code BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE}. */
    public String beginSql() {
        StringBuilder sql = new StringBuilder("BEGIN");
        String separator = " ";
        if (isolationLevel != null) {
            sql.append(separator).append("ISOLATION LEVEL ").append(isolationLevel.sql());
            separator = ", ";
        }
        if (readOnly != null) {
            sql.append(separator).append(readOnly ? "READ ONLY" : "READ WRITE");
            separator = ", ";
        }
        if (deferrable != null) {
            sql.append(separator).append(deferrable ? "DEFERRABLE" : "NOT DEFERRABLE");
        }
        return sql.toString();
    }
}
