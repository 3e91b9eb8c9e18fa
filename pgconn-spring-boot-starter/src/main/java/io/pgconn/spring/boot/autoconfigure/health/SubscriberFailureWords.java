package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.notify.SubscriberFailure;

/**
 * A notification subscriber's last failure in a few words and its {@code host:port}, in the style of a host's
 * {@code lastError} ({@link HostFailureReason}): {@code connection lost: shutting down, SQLSTATE 57P01 (db1:5432)},
 * {@code connect failed (db1:5432)}, {@code server left the wanted role (db1:5432)},
 * {@code LISTEN refused: permission denied, SQLSTATE 42501 (db1:5432)} (the code's words: {@link ServerErrorWords}). Built from the core's {@link SubscriberFailure} — its
 * kind, the server's SQLSTATE, the host — never from message text, so no database name, file path or server
 * text shows in the public health (NEW-USER-19 F11).
 */
final class SubscriberFailureWords {

    private SubscriberFailureWords() {
    }

    static String of(SubscriberFailure failure) {
        String words = switch (failure.kind()) {
            case CONNECTION_LOST -> "connection lost";
            case ROLE_CHANGED -> "server left the wanted role";
            case CONNECT_FAILED -> "connect failed";
            case CHANNEL_REFUSED -> "LISTEN refused";
        };
        if (failure.sqlState() != null) {
            // a SQLSTATE is five letters and digits: safe to show, and what an operator looks up
            words += ": " + ServerErrorWords.of(failure.sqlState());
        }
        return failure.host() != null ? words + " (" + failure.host() + ")" : words;
    }
}
