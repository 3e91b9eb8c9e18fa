package io.pgconn.r2dbc;

import io.pgconn.query.TransactionOptions;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.TransactionDefinition;

import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;

/** The SQL of R2DBC transaction control: BEGIN's options, the lock wait timeout, savepoints, isolation level. */
final class TransactionSql {

    /** PostgreSQL's {@code DEFERRABLE} (with serializable read-only), not an R2DBC standard attribute. */
    static final Option<Boolean> DEFERRABLE = Option.valueOf("deferrable");

    /**
     * The transaction's {@code lock_timeout}, as an extended-protocol statement (its value a parameter) so that it can
     * carry the transaction's {@code BEGIN} in its Sync group, which a simple {@code SET LOCAL} cannot (docs/r2dbc.md §3).
     * The function is named with its schema: a {@code set_config} of a schema ahead of {@code pg_catalog} in the
     * session's search path (a tenant's, or anyone's with CREATE there) is never called in its place.
     */
    static final String SET_LOCK_TIMEOUT = "SELECT pg_catalog.set_config('lock_timeout', $1, true)";

    /** The largest {@code lock_timeout} PostgreSQL takes (an int of milliseconds). */
    private static final Duration MAX_LOCK_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private TransactionSql() {
    }

    /**
     * The {@code BEGIN} options of {@code definition} — isolation level, read-only, deferrable — for the core's
     * {@code beginWithFirstStatement}; an isolation level PostgreSQL does not have is an {@link IllegalArgumentException}.
     */
    static TransactionOptions options(TransactionDefinition definition) {
        if (definition == null) {
            return TransactionOptions.DEFAULT;
        }
        IsolationLevel isolation = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
        TransactionOptions options = isolation == null ? TransactionOptions.DEFAULT
                : TransactionOptions.isolation(coreIsolation(isolation));
        Boolean readOnly = definition.getAttribute(TransactionDefinition.READ_ONLY);
        if (readOnly != null) {
            options = options.readOnly(readOnly);
        }
        Boolean deferrable = definition.getAttribute(DEFERRABLE);
        if (deferrable != null) {
            options = options.deferrable(deferrable);
        }
        return options;
    }

    /**
     * The definition's lock wait timeout as the value of {@code lock_timeout} (whole milliseconds, rounded up), or
     * null when it has none; a negative one, or one past what PostgreSQL takes (2147483647 ms, some 24.8 days), is an
     * {@link IllegalArgumentException} naming it — its {@code set_config} is not awaited, so the server's 22023 would
     * only have failed the transaction, and the first statement with a bare 25P02 (REVIEW-27 R27-4).
     */
    static String lockTimeout(TransactionDefinition definition) {
        Duration lockWaitTimeout = definition == null ? null : definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT);
        if (lockWaitTimeout == null) {
            return null;
        }
        if (lockWaitTimeout.compareTo(MAX_LOCK_TIMEOUT) > 0) {
            throw new IllegalArgumentException("invalid lock wait timeout \"" + lockWaitTimeout
                    + "\": PostgreSQL's lock_timeout takes at most " + MAX_LOCK_TIMEOUT.toMillis() + " ms (zero: no timeout)");
        }
        return Long.toString(OptionDuration.timeoutMillis("lock wait timeout", lockWaitTimeout));
    }

    private static io.pgconn.query.IsolationLevel coreIsolation(IsolationLevel level) {
        return switch (isolationSql(level)) {
            case "READ UNCOMMITTED" -> io.pgconn.query.IsolationLevel.READ_UNCOMMITTED;
            case "REPEATABLE READ" -> io.pgconn.query.IsolationLevel.REPEATABLE_READ;
            case "SERIALIZABLE" -> io.pgconn.query.IsolationLevel.SERIALIZABLE;
            default -> io.pgconn.query.IsolationLevel.READ_COMMITTED;
        };
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
