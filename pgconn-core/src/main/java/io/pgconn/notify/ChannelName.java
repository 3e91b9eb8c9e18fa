package io.pgconn.notify;

import io.pgconn.PgConfigException;

import java.nio.charset.StandardCharsets;

/**
 * What a LISTEN channel name may be — for a {@link NotificationSubscriber} and for
 * {@code PgConnection.listen}/{@code unlisten} alike (the core connection uses this rule; one place): a
 * PostgreSQL identifier, non-empty,
 * without NUL, at most {@value #MAX_BYTES} bytes in UTF-8. PostgreSQL truncates a longer identifier to
 * NAMEDATALEN-1 = 63 bytes with only a NOTICE: LISTEN succeeds, but the notifications arrive under the
 * truncated name and reach no listener (REVIEW-9 F5), and an UNLISTEN of the long name would end the
 * channel of the truncated one. Refused, so the caller learns it at once.
 */
public final class ChannelName {

    /** NAMEDATALEN - 1 of a default PostgreSQL build. */
    public static final int MAX_BYTES = 63;

    private ChannelName() {
    }

    /** @return why {@code channel} cannot be LISTENed on by {@code command} (LISTEN or UNLISTEN), or null when it can */
    public static PgConfigException refusal(String command, String channel) {
        if (channel == null || channel.isEmpty() || channel.indexOf('\0') >= 0) {
            return new PgConfigException(null, "invalid " + command + " channel: \"" + channel
                    + "\" (expected a non-empty name without NUL)");
        }
        int bytes = channel.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return new PgConfigException(null, "invalid " + command + " channel: \"" + channel + "\" is " + bytes
                    + " bytes in UTF-8, longer than a PostgreSQL identifier (at most " + MAX_BYTES
                    + " bytes): the server would truncate it and its notifications would reach no listener"
                    + " (expected a shorter name, e.g. a hash of a long id)");
        }
        return null;
    }
}
