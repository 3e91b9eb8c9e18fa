package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgServerException;
import io.pgconn.ServerErrorFields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A statement's failure as {@code pg.conn.statement}'s observation gets it (AUDIT-13 L6). The server's message of a
 * statement it refused may quote a literal of the SQL text — {@code invalid input syntax for type integer: "hunter2"}
 * (22P02), {@code syntax error at or near "'hunter2'"} (42601), a {@code RAISE}'s text (P0001) — and the core cuts
 * the quoted value only for statements sent with parameters. A trace records the error's message, so unless the SQL
 * text itself is observed ({@code management.observations.pgconn.include-query-text=true}), such an error is replaced
 * by one of the same class with the server's severity and SQLSTATE and without its message. Every other failure is
 * pgconn's own text (a timeout, a cancel, a closed connection, a FATAL that ended the session), which never names a
 * value, and is kept.
 */
final class ObservedStatementError {

    private ObservedStatementError() {
    }

    static Throwable of(Throwable error, boolean includeServerMessage) {
        if (includeServerMessage) {
            return error;
        }
        if (error.getClass() == PgServerException.class) {
            PgServerException refused = (PgServerException) error;
            return withTrace(new PgServerException(refused.host(), withoutMessage(refused.host(), refused.serverFields()),
                    severityAndCode(refused.serverFields()), null), error);
        }
        if (error.getClass() == PgAuthenticationException.class && !((PgAuthenticationException) error).endsSession()) {
            PgAuthenticationException refused = (PgAuthenticationException) error;
            return withTrace(new PgAuthenticationException(refused.host(), withoutMessage(refused.host(), refused.serverFields()),
                    severityAndCode(refused.serverFields()), null), error);
        }
        return error;
    }

    private static String withoutMessage(String host, ServerErrorFields fields) {
        return "server " + host + " reported " + fields.severity() + " " + fields.code() + " (its message is left out of the"
                + " observation: it may quote a literal of the SQL text; management.observations.pgconn.include-query-text=true"
                + " keeps it)";
    }

    /** The fields a dashboard or an error handler reads — severity and SQLSTATE — never the message, DETAIL or WHERE. */
    private static ServerErrorFields severityAndCode(ServerErrorFields fields) {
        Map<Character, String> kept = new LinkedHashMap<>();
        for (char type : new char[] {'S', 'V', 'C'}) {
            String value = fields.get(type);
            if (value != null) {
                kept.put(type, value);
            }
        }
        return new ServerErrorFields(kept);
    }

    private static <T extends Throwable> T withTrace(T copy, Throwable original) {
        copy.setStackTrace(original.getStackTrace());
        return copy;
    }
}
