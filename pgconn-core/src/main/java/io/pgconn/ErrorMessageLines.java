package io.pgconn;

/**
 * The lines of an exception's message, as pgconn lays them out, and that message on one line for places that
 * show one line (a health detail, a log line that goes on after it). A message may have several: a server error
 * its {@code DETAIL:}/{@code HINT:} lines under its first ({@link PgErrors}), a connect over several hosts one
 * line per host, each indented by {@value #HOST_INDENT} spaces, a host's own further lines (its error's HINT)
 * indented deeper, by {@value #CONTINUATION_INDENT} ({@code internal.failover.WalkFailures}).
 */
public final class ErrorMessageLines {

    /** The indentation of a host's line in a multi-host connect failure. */
    public static final int HOST_INDENT = 2;

    /** The indentation of a host's further lines (its error's HINT) under its line. */
    public static final int CONTINUATION_INDENT = 4;

    private ErrorMessageLines() {
    }

    /**
     * {@code message} as an item of an indented list: its first line as it is, every further line indented by
     * {@value #CONTINUATION_INDENT} spaces, so it reads as part of the item and not as the next one.
     */
    public static String asListItem(String message) {
        return message.replace("\n", "\n" + " ".repeat(CONTINUATION_INDENT));
    }

    /**
     * One host's line in a multi-host connect failure's list: a line break, {@value #HOST_INDENT} spaces,
     * {@code host: message}, the message's further lines {@linkplain #asListItem indented under it}. The walk's report
     * is made of these, and so is a line a client adds to it ({@link ConnectFailures#withHostLine}).
     */
    public static String hostLine(String host, String message) {
        return "\n" + " ".repeat(HOST_INDENT) + host + ": " + asListItem(message);
    }

    /**
     * {@code message} with {@code addition} at the end of its first line, the lines under it (a server error's
     * {@code HINT:}) kept under it: what pgconn adds to a message it passes on (what a lost statement may have done).
     */
    public static String addedToFirstLine(String message, String addition) {
        int end = message.indexOf('\n');
        return end < 0 ? message + addition : message.substring(0, end) + addition + message.substring(end);
    }

    /**
     * {@code message}'s non-blank lines, trimmed, on one line: a line indented deeper than the item it follows
     * continues that item and is joined to it with {@code ", "} ({@code ... (SQLSTATE 22023), HINT: ...}); any other
     * line starts an item, after {@code " "} when the line before ends in a colon (the list of a multi-host connect
     * failure), else after {@code "; "}. So {@code could not connect to any of 2 hosts (...): db1:5432: ... (SQLSTATE
     * 22023), HINT: ...; db2:5432: connection refused ...}: each host's HINT stays with its host.
     */
    public static String oneLine(String message) {
        StringBuilder line = new StringBuilder();
        int itemIndent = -1;
        for (String raw : message.lines().toList()) {
            String l = raw.strip();
            if (l.isEmpty()) {
                continue;
            }
            int indent = raw.indexOf(l.charAt(0));
            if (line.isEmpty()) {
                itemIndent = indent;
            } else if (line.charAt(line.length() - 1) == ':') {
                line.append(' ');
                itemIndent = indent;
            } else if (indent > itemIndent) {
                line.append(", ");
            } else {
                line.append("; ");
                itemIndent = indent;
            }
            line.append(l);
        }
        return line.toString();
    }
}
