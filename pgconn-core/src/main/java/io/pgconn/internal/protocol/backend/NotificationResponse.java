package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * NotificationResponse: a NOTIFY delivered to a channel this session LISTENs on.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NOTIFICATIONRESPONSE">NotificationResponse</a>
 */
public record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static NotificationResponse decode(ByteBuf body, String host) {
        String name = "NotificationResponse";
        Bodies.need(body, 4, host, name);
        int processId = body.readInt();
        String channel = Bodies.cString(body, host, name, "channel");
        return new NotificationResponse(processId, channel, Bodies.cString(body, host, name, "payload"));
    }
}
