package io.pgconn.internal.query;

import io.pgconn.query.SqlTokens;

/**
 * Whether an application's SQL text opens a transaction block {@code READ WRITE}: after white space and comments ({@code
 * --}, nested block comments), {@code BEGIN} (optionally {@code WORK} or {@code TRANSACTION}) or {@code START TRANSACTION},
 * any case, then its transaction modes up to the first {@code ;} or the text's end, {@code READ WRITE} among them (words
 * and commas, with white space and comments between them; the last mode wins on the server, and a text saying both
 * {@code READ ONLY} and {@code READ WRITE} is refused there anyway). Nothing else is recognised: a {@code SET TRANSACTION
 * READ WRITE} or {@code SET SESSION CHARACTERISTICS} after a plain {@code BEGIN}, a transaction opened in a procedure or a
 * {@code DO} block, a BEGIN that is not the text's first statement. Used only on {@code target_session_attrs=read-write}
 * sessions (docs/query.md §5, "A BEGIN READ WRITE answered after the server turned read-only"); the core's own
 * transaction options carry their access mode instead ({@code TransactionOptions.readOnly}).
 */
public final class ReadWriteBeginText {

    private ReadWriteBeginText() {
    }

    /** Whether {@code sql} (null: not known, a script's) opens a transaction block {@code READ WRITE}. */
    public static boolean opensReadWrite(String sql) {
        if (sql == null) {
            return false;
        }
        int at = SqlTokens.skipBlanksAndComments(sql, 0);
        int end = wordEnd(sql, at);
        if (is(sql, at, end, "begin")) {
            at = SqlTokens.skipBlanksAndComments(sql, end);
            end = wordEnd(sql, at);
            if (is(sql, at, end, "work") || is(sql, at, end, "transaction")) {
                at = end;
            }
        } else if (is(sql, at, end, "start")) {
            at = SqlTokens.skipBlanksAndComments(sql, end);
            end = wordEnd(sql, at);
            if (!is(sql, at, end, "transaction")) {
                return false;
            }
            at = end;
        } else {
            return false;
        }
        boolean afterRead = false;
        while (true) {
            at = SqlTokens.skipBlanksAndComments(sql, at);
            if (at == sql.length() || sql.charAt(at) == ';') {
                return false;
            }
            if (sql.charAt(at) == ',') {
                afterRead = false;
                at++;
                continue;
            }
            end = wordEnd(sql, at);
            if (end == at) {
                return false; // not a transaction mode's word: nothing this reads
            }
            if (afterRead && is(sql, at, end, "write")) {
                return true;
            }
            afterRead = is(sql, at, end, "read");
            at = end;
        }
    }

    /** The end of the word starting at {@code at}; {@code at} when none starts there. */
    private static int wordEnd(String sql, int at) {
        if (at >= sql.length() || !SqlTokens.isIdentifierStart(sql.charAt(at))) {
            return at;
        }
        int end = at + 1;
        while (end < sql.length() && SqlTokens.isIdentifierPart(sql.charAt(end))) {
            end++;
        }
        return end;
    }

    private static boolean is(String sql, int start, int end, String keyword) {
        return end - start == keyword.length() && sql.regionMatches(true, start, keyword, 0, keyword.length());
    }
}
