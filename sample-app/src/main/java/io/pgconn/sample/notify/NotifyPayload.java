package io.pgconn.sample.notify;

import java.nio.charset.StandardCharsets;

/**
 * A message for {@code NOTIFY}, checked against PostgreSQL's limits and turned into a statement for the
 * simple query protocol (which has no parameters, so the text becomes an escaped string literal).
 */
final class NotifyPayload {

    /** PostgreSQL rejects payloads of 8000 bytes or more (in the server encoding, UTF-8 here). */
    static final int MAX_BYTES = 7999;

    private NotifyPayload() {
    }

    /**
     * @param channel a channel name made of lower-case letters, digits and underscores
     * @param message the payload: not blank, no NUL character, at most {@value #MAX_BYTES} UTF-8 bytes
     * @return {@code SELECT pg_notify('channel', 'message')}, quotes doubled
     * @throws IllegalArgumentException naming the value and the expectation
     */
    static String notifySql(String channel, String message) {
        if (!channel.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("channel '" + channel + "' is not a plain lower-case identifier");
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message is missing or blank (expected some text)");
        }
        if (message.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("message contains a NUL character, which PostgreSQL text cannot hold");
        }
        int bytes = message.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("message is " + bytes + " bytes in UTF-8; "
                    + "NOTIFY payloads must be at most " + MAX_BYTES + " bytes");
        }
        return "SELECT pg_notify(" + literal(channel) + ", " + literal(message) + ")";
    }

    /** A standard-conforming string literal: only the quote needs doubling (backslashes are plain characters). */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
