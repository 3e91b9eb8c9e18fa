package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Which server a probe session reached, as the server itself tells it: the address and port it accepted the session
 * on ({@code inet_server_addr()}, {@code inet_server_port()}) and when its postmaster started
 * ({@code pg_postmaster_start_time()}), asked once per probe login. What the label alone cannot tell: behind one
 * Service, pooler, DNS name or load balancer that spreads logins over a cluster's members, a primary answering after a
 * standby may be the same primary as before (REVIEW-26 R26-1: health counted a failover at every such re-login).
 * <p>Two answers come from <em>another</em> server only when both differ: the same postmaster keeps its start time
 * whichever of its addresses was dialled (dual-stack, a name with several addresses of one host: REVIEW-25 R25-9),
 * and a server restarted at its address — or a virtual IP moved to another server, which a client cannot tell from
 * that — keeps its address. A Unix-socket session has no server address: {@code address} is then empty and only the
 * start time compares.
 */
record ServerIdentity(String address, String startedAt) {

    /** Asked with the probe's login; {@code null} when the server did not say (the label's rules then go by role alone). */
    static final String QUERY = "SELECT coalesce(host(inet_server_addr()) || ':' || inet_server_port(), ''),"
            + " pg_postmaster_start_time()::text";

    /**
     * The identity of the server behind {@code session}, asked as a simple query like the role probe (nothing prepared on
     * the probe's session); completes with {@code null} rather than fail.
     */
    static CompletableFuture<@Nullable ServerIdentity> of(PgConnection session) {
        return session.simpleQuery(QUERY).handle((result, failure) -> {
            if (failure != null || result.rows().size() != 1 || result.rows().get(0).size() != 2) {
                return null;
            }
            List<String> row = result.rows().get(0);
            String startedAt = row.get(1);
            return startedAt == null ? null : new ServerIdentity(row.get(0) == null ? "" : row.get(0), startedAt);
        });
    }

    /** Whether {@code other} is another server than this one: another postmaster at another address. */
    boolean isAnotherServerThan(ServerIdentity other) {
        return !this.startedAt.equals(other.startedAt) && !this.address.equals(other.address);
    }

    @Override
    public String toString() {
        return (this.address.isEmpty() ? "a local socket" : this.address) + " (started " + this.startedAt + ")";
    }
}
