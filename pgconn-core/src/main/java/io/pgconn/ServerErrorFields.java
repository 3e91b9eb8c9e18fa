package io.pgconn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields of an ErrorResponse or NoticeResponse, keyed by their
 * <a href="https://www.postgresql.org/docs/current/protocol-error-fields.html">field type byte</a>,
 * exactly as the server sent them. They may contain data: the message of a data exception quotes
 * the value it could not take (22P02 {@code invalid input syntax for type integer: "…"}), a DETAIL
 * may show a row or key ({@code Key (email)=(…) already exists}). pgconn keeps the quoted value of a
 * data exception out of the exception message of a statement sent with parameters
 * ({@code DataExceptionText}), keeps DETAIL out of exception messages unless the connection's
 * {@code serverErrorDetail} setting lets it in (the server's own HINT is always there, on a line of its own; a
 * HINT user code may have written — an error raised inside a function, {@code RAISE ... USING HINT} — is
 * treated as a DETAIL), and keeps
 * both out of {@link #toString()}; whoever logs the fields themselves decides about them.
 */
public record ServerErrorFields(Map<Character, String> fields) {

    public static final ServerErrorFields NONE = new ServerErrorFields(Map.of());

    /**
     * SQLSTATEs PostgreSQL sends in an ErrorResponse only with severity FATAL: 57P01 admin_shutdown,
     * 57P02 crash_shutdown, 57P03 cannot_connect_now, 57P04 database_dropped, 57P05 idle_session_timeout,
     * 25P03 idle_in_transaction_session_timeout, 25P04 transaction_timeout, 53300 too_many_connections.
     * Not every session end carries one: an immediate shutdown or crash restart ({@code quickdie()}) sends
     * 57P01/57P02 as a WARNING NoticeResponse and drops the socket; 57P03 and 53300 come only during startup.
     */
    private static final Set<String> FATAL_ONLY_CODES = Set.of("57P01", "57P02", "57P03", "57P04", "57P05", "25P03", "25P04", "53300");

    public ServerErrorFields {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String get(char type) {
        return fields.get(type);
    }

    /**
     * The severity: 'V' (ERROR, FATAL, PANIC, WARNING, NOTICE ..., never localized; sent since
     * PostgreSQL 9.6), else 'S' (the same, in the server's {@code lc_messages} language).
     */
    public String severity() {
        String v = fields.get('V');
        return v != null ? v : fields.get('S');
    }

    /**
     * Whether the server ends the session after this error: its {@link #severity()} is FATAL or
     * PANIC (<a href="https://www.postgresql.org/docs/current/runtime-config-logging.html#RUNTIME-CONFIG-SEVERITY-LEVELS">severity
     * levels</a>: FATAL "caused the current session to abort"). PostgreSQL closes the connection
     * after every such ErrorResponse, whatever its SQLSTATE (57P01 admin_shutdown, 25P03
     * idle_in_transaction_session_timeout, 25P04 transaction_timeout, 57P04 database_dropped, 57P05
     * idle_session_timeout ...); after an ERROR the session goes on (08P01 for a Bind with the wrong
     * parameter count fails only its statement). Fields without any severity (not PostgreSQL) end it
     * when their SQLSTATE is of class 08 or one PostgreSQL sends only as FATAL.
     */
    public boolean endsSession() {
        String severity = severity();
        if (severity != null) {
            return "FATAL".equals(severity) || "PANIC".equals(severity);
        }
        // no severity at all (not PostgreSQL): class 08 (connection exception) and the codes PostgreSQL sends only as FATAL
        String code = code();
        return code != null && (code.startsWith("08") || FATAL_ONLY_CODES.contains(code));
    }

    /** 'C': the SQLSTATE code. */
    public String code() {
        return fields.get('C');
    }

    /** 'M': the primary human-readable message. */
    public String message() {
        return fields.get('M');
    }

    /** 'D': optional detail. */
    public String detail() {
        return fields.get('D');
    }

    /** 'H': optional hint. */
    public String hint() {
        return fields.get('H');
    }

    /** 'P': 1-based character position of the error in the statement text, if the server gave one. */
    public String position() {
        return fields.get('P');
    }

    /** 'p': position in an internally generated statement ({@link #internalQuery()}). */
    public String internalPosition() {
        return fields.get('p');
    }

    /** 'q': the internally generated statement that failed (e.g. in a PL/pgSQL function). */
    public String internalQuery() {
        return fields.get('q');
    }

    /** 'W': the context (call stack) the error occurred in. */
    public String where() {
        return fields.get('W');
    }

    /** 's': schema of the object the error is about. */
    public String schema() {
        return fields.get('s');
    }

    /** 't': table of the object the error is about. */
    public String table() {
        return fields.get('t');
    }

    /** 'c': column the error is about. */
    public String column() {
        return fields.get('c');
    }

    /** 'd': data type the error is about. */
    public String dataType() {
        return fields.get('d');
    }

    /** 'n': constraint the error is about. */
    public String constraint() {
        return fields.get('n');
    }

    /** 'F', 'L', 'R': where in the server's source the error was raised. */
    public String file() {
        return fields.get('F');
    }

    public String line() {
        return fields.get('L');
    }

    public String routine() {
        return fields.get('R');
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /**
     * Safe to log: {@link #describe()} (with a data exception's message cut before its value) and
     * which fields are present, never their values (DETAIL, WHERE, the statement ... may hold data).
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ServerErrorFields[");
        sb.append(DataExceptionText.isDataException(code()) ? DataExceptionText.describe(this) : describe());
        sb.append("; fields ");
        for (Character type : fields.keySet()) {
            sb.append(type);
        }
        return sb.append(']').toString();
    }

    /** One line: {@code SEVERITY: message (SQLSTATE code)}. */
    public String describe() {
        if (fields.isEmpty()) {
            return "(no server fields)";
        }
        StringBuilder sb = new StringBuilder();
        if (severity() != null) {
            sb.append(severity()).append(": ");
        }
        sb.append(message() == null ? "(no message)" : message());
        if (code() != null) {
            sb.append(" (SQLSTATE ").append(code()).append(')');
        }
        return sb.toString();
    }
}
