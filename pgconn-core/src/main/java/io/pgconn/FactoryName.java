package io.pgconn;

/**
 * A factory's or event loop group's name as it goes into thread names ({@link PgConnectionFactory.Builder#name},
 * {@link Transport#newEventLoopGroup(String, int)}): letters, digits, {@code - _ .} kept, anything else
 * {@code _}, at most {@value #MAX_LENGTH} characters, so a thread dump stays readable whatever a caller passes.
 */
final class FactoryName {

    static final int MAX_LENGTH = 32;

    private FactoryName() {
    }

    /** The name to use, or null for none ({@code name} null or blank). */
    static String of(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.strip();
        StringBuilder kept = new StringBuilder(Math.min(trimmed.length(), MAX_LENGTH));
        for (int i = 0; i < trimmed.length() && kept.length() < MAX_LENGTH; i++) {
            char c = trimmed.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            kept.append(plain ? c : '_');
        }
        return kept.toString();
    }

    /** Netty's thread factory prefix: {@code pgconn-<name>-<transport>}, or {@code pgconn-<transport>} without a name. */
    static String threadPrefix(String name, Transport transport) {
        String kept = of(name);
        String transportName = transport.name().toLowerCase(java.util.Locale.ROOT);
        return kept == null ? "pgconn-" + transportName : "pgconn-" + kept + "-" + transportName;
    }
}
