package io.pgconn.spring.boot.autoconfigure.health;

/**
 * A server's SQLSTATE in the words health and its log lines use, for a host's {@code lastError} ({@link HostFailureReason})
 * and a subscriber's ({@link SubscriberFailureWords}) alike: {@code authentication failed, SQLSTATE 28P01},
 * {@code shutting down, SQLSTATE 57P01}; a code without words of its own stays {@code server error 42P01}. Built from
 * the five-character code only, never from the server's text (a database name, a path), so it is safe in the public
 * health. NEW-USER-25 F6: the subscriber's entry said {@code server error 28P01} next to a host entry saying
 * {@code authentication failed}, and the "no acceptable host" WARN {@code server error 57P03}.
 */
final class ServerErrorWords {

    private ServerErrorWords() {
    }

    static String of(String sqlState) {
        String words = switch (sqlState) {
            case "28P01", "28000" -> "authentication failed";
            case "57P03" -> "not accepting connections now";
            case "57P01", "57P02" -> "shutting down";
            case "53300" -> "too many connections";
            case "3D000" -> "database does not exist";
            case "42501" -> "permission denied";
            default -> null;
        };
        return words == null ? "server error " + sqlState : words + ", SQLSTATE " + sqlState;
    }
}
