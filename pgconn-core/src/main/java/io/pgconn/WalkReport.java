package io.pgconn;

import java.io.Serializable;

/**
 * What a multi-host walk's report ({@link ConnectFailures#walkReport}) is made of, kept on it so a line added to it
 * ({@link ConnectFailures#withHostLine}) counts its host without reading the message back: how many hosts the walk
 * had, the {@code target_session_attrs} it looked for (libpq's spelling), and its host lines
 * ({@link ErrorMessageLines#hostLine}), each host failure's and each added one's.
 */
record WalkReport(int hostCount, String targetName, String hostLines) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The report's message: {@code could not connect to any of N hosts (target_session_attrs=...):} and its lines. */
    String message() {
        return "could not connect to any of " + hostCount + " hosts (target_session_attrs=" + targetName + "):" + hostLines;
    }

    /** This report with one more host counted and its line {@code host: reason} at the end of the list. */
    WalkReport withHostLine(String host, String reason) {
        return new WalkReport(hostCount + 1, targetName, hostLines + ErrorMessageLines.hostLine(host, reason));
    }
}
