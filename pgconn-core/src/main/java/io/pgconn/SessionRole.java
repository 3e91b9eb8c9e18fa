package io.pgconn;

import java.util.Map;

/**
 * What an open session knows of its own server's role without a round trip, and when the factory's host memory may
 * overrule it. One rule for every reader that weighs the two — pgconn-r2dbc's pool validation ({@code SessionValidity})
 * and the notification subscriber's role check ({@code io.pgconn.notify.RoleCheck}) — so that they cannot disagree
 * about one session.
 *
 * <p>Host memory ({@link PgConnectionFactory#hostStatus}) is kept per host <em>label</em> ({@code host:port} as
 * configured), not per server: behind one DNS name, Kubernetes Service or virtual IP that the operator moves at a
 * switchover, what it holds may be about the server the label named before — a connect or a health probe that still
 * reached the old address reports the label a {@code standby} while a session opened since is on the new primary
 * (NEW-USER-24 F1: 57 healthy pooled sessions evicted; a LISTEN subscriber re-connecting at each role check).
 * docs/lifecycle.md §2.4.
 */
public final class SessionRole {

    private SessionRole() {
    }

    /**
     * The role {@code connection}'s own ParameterStatus values tell ({@code in_hot_standby} and
     * {@code default_transaction_read_only}, reported by PostgreSQL 14+ at login and with the session's next message
     * after a change); {@link ServerRole#UNKNOWN} when the server reports neither (before PostgreSQL 14).
     */
    public static ServerRole live(PgConnection connection) {
        return live(connection.parameters());
    }

    /** {@link #live(PgConnection)} from a session's ParameterStatus values. */
    public static ServerRole live(Map<String, String> parameters) {
        String hotStandby = parameters.get("in_hot_standby");
        String readOnly = parameters.get("default_transaction_read_only");
        if (hotStandby == null || readOnly == null) {
            return ServerRole.UNKNOWN;
        }
        return ServerRole.of("on".equals(hotStandby), "on".equals(readOnly));
    }

    /**
     * Whether the session's server, which last told the session {@code live}, may be in {@code remembered} now without
     * the session having heard it yet — so that host memory, filed under the session's host label, may be about this
     * server. PostgreSQL reports {@code in_hot_standby} and {@code default_transaction_read_only} to a session only
     * with its next message: an idle session misses a promotion (standby to primary) and a reloaded
     * {@code default_transaction_read_only} (either way; NEW-USER-12 M1), so memory decides those. A server that is no
     * standby cannot become one while a session to it is open (a primary turns standby only through a restart, which
     * ends its sessions): a session whose own ParameterStatus says {@code in_hot_standby=off} is on no standby, whatever
     * the label's memory says — the label names another server now. Before PostgreSQL 14 ({@code live} unknown) the
     * session cannot tell, and memory decides.
     */
    public static boolean couldHaveBecome(ServerRole live, ServerRole remembered) {
        return live == ServerRole.UNKNOWN || remembered != ServerRole.STANDBY || live == ServerRole.STANDBY;
    }
}
