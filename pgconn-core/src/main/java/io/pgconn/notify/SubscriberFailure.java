package io.pgconn.notify;

import io.pgconn.ConnectFailures;
import io.pgconn.FutureFailures;
import io.pgconn.PgException;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@link NotificationSubscriber}'s last failure ({@link SubscriberState#lastFailure()}) as data: what failed, on
 * which server, the server's SQLSTATE when the server reported it, and when. No message text: a server's message
 * can name a database or a role, a TLS message a file path, and this is what a public health page shows (the
 * Spring Boot starter's {@code pgConn} health). The failure itself, message and all, is what
 * {@link SubscriptionEvents#reconnecting} and {@link SubscriptionEvents#gaveUp} are told.
 *
 * @param kind     what failed
 * @param host     {@code host:port} (or a socket path) of the server it failed on; for a connect over several hosts
 *                 that all failed, the one that decided it ({@link ConnectFailures#deciding}: the last one tried);
 *                 null when no server was involved
 * @param sqlState the SQLSTATE of the server's error when the server reported the failure (five letters and
 *                 digits: {@code 57P01} a shut down, {@code 28P01} a refused password, {@code 42601} a refused
 *                 channel name); null when it did not (a refused or reset connection, TLS, a timeout)
 * @param at       when the subscriber met it
 */
public record SubscriberFailure(Kind kind, String host, String sqlState, Instant at) {

    public SubscriberFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
    }

    /** What failed. */
    public enum Kind {
        /**
         * The connection carrying the subscription closed (its server shut down or restarted, the network, a
         * terminate), or a LISTEN on it met an error about the server rather than the channel (25006: in recovery)
         * and the subscriber gave it up.
         */
        CONNECTION_LOST,
        /**
         * The connection carrying the subscription was given up because its server is now in a role the factory's
         * {@code target_session_attrs} does not accept (the old primary after a switchover: read-only).
         */
        ROLE_CHANGED,
        /** An attempt to connect (or to LISTEN on every channel over the new connection) failed. */
        CONNECT_FAILED,
        /** A server refused a channel's LISTEN while a new connection caught up: the channel was dropped. */
        CHANNEL_REFUSED
    }

    /**
     * {@code error} met at {@code at} on {@code host} (null: the error's own, or for a connect the deciding host's),
     * with its SQLSTATE when the server reported one (the error's or, for a connection the server closed, its cause's).
     */
    static SubscriberFailure of(Kind kind, String host, Throwable error, Instant at) {
        Throwable t = FutureFailures.unwrap(error);
        if (t instanceof PgException pg) {
            t = ConnectFailures.deciding(pg);
        }
        String where = host;
        String sqlState = null;
        for (Throwable c = t; c != null && (where == null || sqlState == null); c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PgException pg) {
                where = where != null ? where : pg.host();
                sqlState = sqlState != null ? sqlState : pg.sqlState().orElse(null);
            }
        }
        return new SubscriberFailure(kind, where, sqlState, at);
    }
}
