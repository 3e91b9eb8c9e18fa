package io.pgconn.internal.copy;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.SendableQueryText;
import io.pgconn.query.SqlShape;

import java.util.Objects;

/**
 * What a COPY made through {@code copyIn}/{@code copyOut} checks before it is sent, and its errors. No message holds
 * the SQL text or any of the data (a COPY's text may hold literals, its data anything).
 */
final class CopyTexts {

    /** The CopyFail reason when the caller cancelled the copy (the server's error quotes it). */
    static final String CANCELLED = "the COPY was cancelled by the application (pgconn)";
    /**
     * The CopyFail reason when the session is closed while a COPY FROM STDIN takes data or is about to
     * ({@link CopyInExchange#closedCopyFail}).
     */
    static final String CLOSED = "the connection is being closed (pgconn)";
    /** The CopyFail reason when copyOut's statement turned out to be a COPY FROM STDIN. */
    static final String NOT_COPY_OUT = "copyOut was given a COPY FROM STDIN: pgconn sends no data for it";

    private CopyTexts() {
    }

    /**
     * Refuses (before anything is sent) a text of several statements: copyIn/copyOut run exactly one, a
     * {@code COPY ... FROM STDIN} or {@code COPY ... TO STDOUT}; the server judges the rest.
     */
    static String checked(QuerySession session, String sql, String method) {
        Objects.requireNonNull(sql, "sql");
        SendableQueryText.require(session.host(), sql, method + "'s query text");
        SqlShape shape = session.sqlShapes().of(sql);
        if (shape.complete() && shape.statementCount() != 1) {
            throw new IllegalArgumentException(method + " on " + session.host() + " takes one COPY statement; the text holds "
                    + shape.statementCount() + " statements");
        }
        return sql;
    }

    /** The reason sent in CopyFail when the caller's publisher failed: its class only, never its message (it may hold data). */
    static String publisherFailed(Throwable error) {
        return "the data publisher of pgconn's copyIn signalled " + error.getClass().getName();
    }

    /** The caller's error when its publisher failed; the server rolled the COPY back. */
    static PgException publisherFailedError(String host, Throwable error) {
        return new PgException(host, "COPY FROM STDIN on " + host + " failed: its data publisher signalled "
                + error.getClass().getName() + " (the cause); the server rolled the COPY back, the connection stays usable", error);
    }

    /** The server started another COPY direction than the method asked for, or ran a statement that is no COPY. */
    static PgException wrongStatement(String host, String method, String started) {
        String expected = method.equals("copyIn") ? "COPY ... FROM STDIN" : "COPY ... TO STDOUT";
        return new PgException(host, method + " on " + host + " expects a " + expected + " statement, but the server "
                + started + "; the statement failed, the connection stays usable");
    }

    /** A COPY message the exchange cannot be in: the server broke the COPY sub-protocol, the session ends. */
    static PgProtocolException unexpected(String host, String message, String state) {
        return new PgProtocolException(host, "server " + host + " sent " + message + " " + state + " (COPY sub-protocol)");
    }

    /** The row count of a COPY's CommandComplete ({@code COPY n}); -1 when the tag has none. */
    static long rows(String tag) {
        int space = tag.lastIndexOf(' ');
        if (space < 0 || !tag.startsWith("COPY")) {
            return -1;
        }
        try {
            return Long.parseLong(tag, space + 1, tag.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
