package io.pgconn;

import java.time.Instant;

/**
 * What the factory last learned about one configured host (docs/lifecycle.md §2.4): advisory memory
 * used to order hosts and to report health. {@code lastError} never contains secrets.
 */
public record HostStatus(String host, State state, ServerRole role, Instant lastCheckedAt, String lastError) {

    /**
     * {@code up}: took a session (or a watcher saw it answer); {@code down}: could not take one — refused, silent,
     * starting up, shutting down, a failed role probe; {@code full}: takes no new session now while the ones open to
     * it are fine — it refused a new session only because it has no free slot (SQLSTATE 53300: {@code max_connections},
     * a role's or a database's connection limit, the reserved slots), or it answered the login of a connect of this
     * factory whose query then got no answer within {@code hostConnectTimeout} while sessions of this factory to it
     * were open (a pooler's queue), or a watcher (the starter's health monitor) reported a new login that got no
     * answer while its open session answered (a pooler's queue, a stopped postmaster; docs/lifecycle.md §2.4) — the
     * server is up and the sessions already open to
     * it are fine, so nothing drops them (a pool evicts on {@code down}, not on {@code full}); new connects try it after
     * the hosts that may take a session, as after {@code down}; {@code unknown}: nothing learned yet.
     */
    public enum State {
        UP("up"), DOWN("down"), FULL("full"), UNKNOWN("unknown");

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
