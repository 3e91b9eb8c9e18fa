package io.pgconn.r2dbc;

import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.TransactionDefinition;

import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;

/** The SQL of R2DBC transaction control: BEGIN with its modes, savepoints, isolation level. */
final class TransactionSql {

    /** PostgreSQL's {@code DEFERRABLE} (with serializable read-only), not an R2DBC standard attribute. */
    static final Option<Boolean> DEFERRABLE = Option.valueOf("deferrable");

    private TransactionSql() {
    }

    static String begin(TransactionDefinition definition) {
        StringBuilder sql = new StringBuilder("BEGIN");
        if (definition == null) {
            return sql.toString();
        }
        IsolationLevel isolation = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
        if (isolation != null) {
            sql.append(" ISOLATION LEVEL ").append(isolationSql(isolation));
        }
        Boolean readOnly = definition.getAttribute(TransactionDefinition.READ_ONLY);
        if (readOnly != null) {
            sql.append(readOnly ? " READ ONLY" : " READ WRITE");
        }
        Boolean deferrable = definition.getAttribute(DEFERRABLE);
        if (deferrable != null) {
            sql.append(deferrable ? " DEFERRABLE" : " NOT DEFERRABLE");
        }
        Duration lockWaitTimeout = definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT);
        if (lockWaitTimeout != null) {
            sql.append("; SET LOCAL lock_timeout = ").append(OptionDuration.timeoutMillis("lock wait timeout", lockWaitTimeout));
        }
        return sql.toString();
    }

    /**
     * What of {@code definition} the driver applies at {@code BEGIN} — isolation level, read-only, deferrable, lock
     * wait timeout — in words ({@code "isolation level SERIALIZABLE, READ ONLY"}); empty when none ({@code NAME} is
     * not applied).
     */
    static String appliedAttributes(TransactionDefinition definition) {
        if (definition == null) {
            return "";
        }
        StringJoiner applied = new StringJoiner(", ");
        IsolationLevel isolation = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
        if (isolation != null) {
            applied.add("isolation level " + isolation.asSql());
        }
        Boolean readOnly = definition.getAttribute(TransactionDefinition.READ_ONLY);
        if (readOnly != null) {
            applied.add(readOnly ? "READ ONLY" : "READ WRITE");
        }
        Boolean deferrable = definition.getAttribute(DEFERRABLE);
        if (deferrable != null) {
            applied.add(deferrable ? "DEFERRABLE" : "NOT DEFERRABLE");
        }
        Duration lockWaitTimeout = definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT);
        if (lockWaitTimeout != null) {
            applied.add("lock wait timeout " + lockWaitTimeout);
        }
        return applied.toString();
    }

    static String isolationSql(IsolationLevel level) {
        String sql = level.asSql().toUpperCase(Locale.ROOT);
        return switch (sql) {
            case "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE" -> sql;
            default -> throw new IllegalArgumentException("isolation level \"" + level.asSql()
                    + "\" is not one PostgreSQL has: expected READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ or SERIALIZABLE");
        };
    }

    static IsolationLevel isolationOf(String setting) {
        return switch (setting == null ? "" : setting.toLowerCase(Locale.ROOT)) {
            case "read uncommitted" -> IsolationLevel.READ_UNCOMMITTED;
            case "repeatable read" -> IsolationLevel.REPEATABLE_READ;
            case "serializable" -> IsolationLevel.SERIALIZABLE;
            default -> IsolationLevel.READ_COMMITTED;
        };
    }

    /** A savepoint name as a quoted identifier, so any name the caller picks is safe. */
    static String savepointName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("savepoint name must not be null or empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("savepoint name must not contain NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
