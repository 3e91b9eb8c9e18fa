package io.pgconn;

/** A NOTIFY delivered to a connection that LISTENs on {@code channel}. */
public record Notification(String channel, String payload, int processId) {
}
