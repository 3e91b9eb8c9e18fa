package io.pgconn;

import java.time.Instant;

/**
 * What the factory last learned about one configured host (docs/lifecycle.md §2.4): advisory memory
 * used to order hosts and to report health. {@code lastError} never contains secrets.
 */
public record HostStatus(String host, State state, ServerRole role, Instant lastCheckedAt, String lastError) {

    public enum State {
        UP("up"), DOWN("down"), UNKNOWN("unknown");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static HostStatus unknown(String host) {
        return new HostStatus(host, State.UNKNOWN, ServerRole.UNKNOWN, null, null);
    }
}
