package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;

/**
 * How a COPY that reaches the query path is refused (COPY runs through {@code PgConnection.copyIn}/{@code copyOut},
 * {@code io.pgconn.internal.copy}; query, statement, simpleQuery and scripts cannot stream its data): COPY TO STDOUT
 * has its data read past, COPY FROM STDIN is answered with CopyFail; either way only that statement
 * fails and the connection stays usable. CopyFail works only while nothing of ours was written
 * after the statement (messages behind it would be taken as COPY input and lost), so a statement
 * that may start a COPY holds later requests back until its ReadyForQuery.
 */
public final class CopyRefusal {

    /** What the server's ErrorResponse to our CopyFail carries. */
    public static final String REASON = "COPY is not supported through pgconn's query methods (use copyIn/copyOut)";

    private CopyRefusal() {
    }

    /** Whether an extended-protocol statement may start a COPY: one statement, COPY its first keyword. */
    static boolean mayCopy(String sql) {
        int i = 0;
        while (i < sql.length() && (Character.isWhitespace(sql.charAt(i)) || sql.charAt(i) == '(')) {
            i++;
        }
        return sql.regionMatches(true, i, "COPY", 0, 4);
    }

    /** Whether a simple query string (several statements, maybe) may start a COPY. */
    public static boolean mayCopyAnywhere(String sql) {
        for (int i = 0; i + 4 <= sql.length(); i++) {
            if (sql.regionMatches(true, i, "COPY", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    /** The statement's error: no SQL text in it (it may carry literals). */
    public static PgException notSupported(String host, boolean fromStdin) {
        return new PgException(host, "server " + host + " started COPY " + (fromStdin ? "FROM STDIN" : "TO STDOUT")
                + ", which query, statement and simpleQuery do not support (run it with " + (fromStdin ? "copyIn" : "copyOut")
                + "): the statement failed, the connection stays usable");
    }

    /** COPY FROM STDIN with requests already written behind it: they would be read as its input. */
    public static PgProtocolException cannotRefuse(String host) {
        return new PgProtocolException(host, "server " + host + " started COPY FROM STDIN, which query, statement and simpleQuery do not support,"
                + " for a statement with requests pipelined behind it: they cannot be kept from being read as COPY data");
    }
}
