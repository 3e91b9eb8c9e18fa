package io.pgconn.r2dbc;

import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.TransactionDefinition;

import java.time.Duration;
import java.util.Locale;

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
            sql.append("; SET LOCAL lock_timeout = ").append(lockWaitTimeout.toMillis());
        }
        return sql.toString();
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
