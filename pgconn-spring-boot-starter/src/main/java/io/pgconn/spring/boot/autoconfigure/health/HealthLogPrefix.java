package io.pgconn.spring.boot.autoconfigure.health;

/**
 * How each line the health monitors log begins: {@code "pgconn health [ordersPg]: "}, naming the factory bean whose
 * hosts it is about (new user 10 F4: with two factories on one server — two databases — the host named none).
 */
final class HealthLogPrefix {

    private HealthLogPrefix() {
    }

    static String of(String factoryName) {
        return "pgconn health [" + factoryName + "]: ";
    }
}
