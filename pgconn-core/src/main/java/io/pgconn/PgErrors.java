package io.pgconn;

/**
 * The one place where a server ErrorResponse becomes a typed exception (SQLSTATE → type).
 */
public final class PgErrors {

    private PgErrors() {
    }

    /**
     * Maps an ErrorResponse to the exception type a caller can act on: during startup a
     * {@link PgAuthenticationException} (SQLSTATE class 28) or a {@link PgConnectException}; after it,
     * a {@link PgClosedException} when the error ends the session ({@link ServerErrorFields#endsSession()}: severity
     * FATAL or PANIC, whatever the SQLSTATE), else a {@link PgServerException} (class 28 a
     * {@link PgAuthenticationException}), after which the session goes on.
     *
     * @param host        {@code host:port} the error came from
     * @param fields      the server's fields
     * @param duringStartup whether the error arrived before the first ReadyForQuery
     */
    public static PgException fromServer(String host, ServerErrorFields fields, boolean duringStartup) {
        return fromServer(host, fields, duringStartup, false);
    }

    /**
     * As {@link #fromServer(String, ServerErrorFields, boolean)}, for the error of a statement that
     * was sent with parameter values ({@code withParameters}). PostgreSQL quotes the value it could
     * not take in class 22 (data exception) messages, e.g. {@code invalid input syntax for type
     * integer: "hunter2"} (in the quotes of the server's language: {@code »hunter2«}), so such a
     * message is cut before the value in the exception's message ({@link DataExceptionText}); the server's raw fields stay in {@link PgException#serverFields()}, which
     * may therefore contain data (as its DETAIL always may, e.g. 23505's {@code Key (x)=(…)}). The server's own HINT
     * follows the message on a line of its own; its DETAIL, and a HINT user code may have written, do not
     * ({@code serverErrorDetail}: the five-argument form).
     */
    public static PgException fromServer(String host, ServerErrorFields fields, boolean duringStartup, boolean withParameters) {
        return fromServer(host, fields, duringStartup, withParameters, false);
    }

    /**
     * As {@link #fromServer(String, ServerErrorFields, boolean, boolean)}, with the server's DETAIL in the
     * message too when {@code withDetail} (the connection's {@code serverErrorDetail} setting): the message is
     * {@code server host reported SEVERITY: message (SQLSTATE code)}, then {@code DETAIL: …} when asked for and
     * {@code HINT: …} when the server gave one, each on a line of its own, in libpq's order. The server's own HINT
     * is advice about the statement (what to cast, what to add to a DROP), a DETAIL may show data — a unique
     * violation's key, a refused row — so it stays out unless the connection lets it in; so does a HINT that user
     * code may have written ({@link #isUserCodeHint}: {@code RAISE ... USING HINT = ...} can be built from a value).
     */
    public static PgException fromServer(String host, ServerErrorFields fields, boolean duringStartup, boolean withParameters,
                                         boolean withDetail) {
        String code = fields.code() == null ? "" : fields.code();
        String message = "server " + host + " reported " + (withParameters && DataExceptionText.isDataException(code) ? DataExceptionText.describe(fields) : fields.describe())
                + lines(fields, withDetail);
        boolean authentication = code.startsWith("28"); // invalid authorization specification / invalid password
        if (duringStartup) {
            return authentication ? new PgAuthenticationException(host, message, fields, null) : new PgConnectException(host, message, fields, null);
        }
        if (fields.endsSession()) {
            // an established session the server ended (pg_terminate_backend, a fast shutdown or restart,
            // idle_session_timeout, idle_in_transaction_session_timeout, transaction_timeout ...): a
            // closed connection, not a failed connect
            return new PgClosedException(host, message, fields, null);
        }
        if (authentication) {
            return new PgAuthenticationException(host, message, fields, null);
        }
        return new PgServerException(host, message, fields, null);
    }

    /**
     * The DETAIL (when {@code withDetail}) and the HINT (the server's own always, one user code may have written
     * only when {@code withDetail}), each on a line of its own after the first; empty without either.
     */
    private static String lines(ServerErrorFields fields, boolean withDetail) {
        String detail = withDetail ? fields.detail() : null;
        String hint = withDetail || !isUserCodeHint(fields) ? fields.hint() : null;
        String copyPosition = copyPosition(fields);
        if (detail == null && hint == null && copyPosition == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (detail != null) {
            sb.append("\nDETAIL: ").append(detail);
        }
        if (hint != null) {
            sb.append("\nHINT: ").append(hint);
        }
        if (copyPosition != null) {
            sb.append("\nCONTEXT: ").append(copyPosition);
        }
        return sb.toString();
    }

    /**
     * Where in a {@code COPY FROM}'s data the server met its error, without the data: the CONTEXT's first line
     * {@code COPY item, line 2, column qty: "abc"} (or {@code COPY item, line 1: "<the line>"}) cut before its value —
     * the one fact a bulk import's user needs among a million lines (NEW-USER-25 F3: psql and pgjdbc show it, pgconn
     * showed only the value); null for any other error. The value and the line are data, as a parameter's is.
     */
    private static String copyPosition(ServerErrorFields fields) {
        String where = fields.where();
        if (where == null || !where.startsWith("COPY ")) {
            return null;
        }
        int end = where.indexOf('\n');
        String first = end < 0 ? where : where.substring(0, end);
        int value = first.indexOf(": ");
        return value < 0 ? first : first.substring(0, value);
    }

    /**
     * Whether the error's HINT may have been written by user code rather than by the server, and so may hold
     * data as a DETAIL may (AUDIT-15 L5): PL/pgSQL's {@code RAISE ... USING HINT = 'retry without ' || token}
     * takes any expression, with any SQLSTATE ({@code USING ERRCODE}), and so do PL/Python's
     * {@code plpy.error(..., hint=...)} and the other procedural languages. The server's own hints are fixed
     * advice about the statement (type casts, {@code DROP ... CASCADE}, a column perhaps meant), raised for the
     * statement itself. Recognised by what every error raised inside a function, a procedure, a trigger or a
     * {@code DO} block carries: a CONTEXT ({@code W}: "PL/pgSQL function f(text) line 3 at RAISE"); and, should a
     * CONTEXT be missing, PL/pgSQL's SQLSTATE class P0 or its routine {@code exec_stmt_raise} ({@code R}). So the
     * server's own HINT of an error met inside a function is held back too: the safe side.
     */
    static boolean isUserCodeHint(ServerErrorFields fields) {
        String code = fields.code();
        return fields.where() != null
                || (code != null && code.startsWith("P0"))
                || "exec_stmt_raise".equals(fields.routine());
    }

    /**
     * Startup SQLSTATEs after which a multi-host connect moves on to the next host: 57P03 (cannot connect
     * now), as libpq; and, deliberate differences (libpq stops there), 53300 (too many connections),
     * 57P01/57P02 (the server is shutting down — a fast shutdown or restart met mid-startup) and 3D000
     * ({@link #isNotReplayedYet}: a database created on the primary a moment ago that a standby has not
     * replayed yet): the next host would not say the same, and a failover client should reach one that can
     * take the session.
     */
    public static boolean isTryNextHost(String sqlState) {
        return isNotServingNow(sqlState) || isNoFreeSlot(sqlState) || isNotReplayedYet(sqlState);
    }

    /**
     * Whether a startup SQLSTATE may only say that this server has not replayed a database yet: 3D000
     * (invalid_catalog_name, "database ... does not exist"). A hot standby answers it for a database created on
     * the primary until it replays the {@code CREATE DATABASE} — a database-per-tenant application onboarding a
     * tenant meets it on the standby listed first (NEW-USER-23 F4). It says nothing of the host's health: the host
     * memory does not record it; a database missing everywhere fails on every host, and the walk reports each.
     */
    public static boolean isNotReplayedYet(String sqlState) {
        return "3D000".equals(sqlState);
    }

    /**
     * Whether a startup SQLSTATE says this server instance is not serving just now: 57P03 (cannot_connect_now:
     * starting up, shutting down, in recovery without hot standby), 57P01 (admin_shutdown) and 57P02
     * (crash_shutdown) — a fast shutdown or restart met mid-startup. The host memory records it {@code down}; a
     * connect tried again shortly may meet the restarted server ({@link ConnectFailures#isWorthRetryingSoon}).
     */
    public static boolean isNotServingNow(String sqlState) {
        return switch (sqlState) {
            case "57P03", "57P01", "57P02" -> true;
            default -> false;
        };
    }

    /**
     * Whether a startup SQLSTATE says the server is up and has no free slot for another session: 53300
     * (too_many_connections — {@code max_connections}, a role's or a database's {@code CONNECTION LIMIT}, the slots
     * reserved for superusers or {@code pg_use_reserved_connections}). The sessions already open to it are fine;
     * the host status memory records it {@code full}, not {@code down} (docs/lifecycle.md §2.4). 57P03 (starting up,
     * in recovery, shutting down) and 57P01/57P02 are not: that server instance is not serving, or is going away.
     */
    public static boolean isNoFreeSlot(String sqlState) {
        return "53300".equals(sqlState);
    }

    /** Authentication failures stop a multi-host walk (libpq): trying more hosts only locks the account faster. */
    public static boolean isAuthenticationFailure(PgException e) {
        return e instanceof PgAuthenticationException;
    }
}
