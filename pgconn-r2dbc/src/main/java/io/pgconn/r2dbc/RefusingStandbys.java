package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.HostStatus;
import io.pgconn.PgException;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The standbys whose {@code pg_hba.conf} rejected a {@code prefer-standby} login of this R2DBC factory (SQLSTATE 28000),
 * until one of its connects lands there again: a pool must neither evict its working sessions on the primary toward
 * such a standby ({@code preferred-role}, {@link SessionValidity#preferredRole}) nor fail every connect on it.
 *
 * <p>The eviction-churn drill (session 24): a standby whose {@code pg_hba.conf} came to reject the application's user
 * while the starter's health, with {@code relogin-interval=0}, kept its one old session there and so showed it up for
 * good. The pool's first acquire evicted every idle session on the primary as {@code preferred-role}; its connect met
 * the standby's 28000, which stops the walk (docs/lifecycle.md §2.3: no fallback to the primary), and every acquire
 * from then on failed, for as long as health showed the standby up — a working pool turned into a dead one. A 28000 is
 * the rejecting server's own configuration (unlike a refused password, 28P01, which the standby shares with the primary
 * it replicates, so more hosts would only lock the account): under {@code prefer-standby}, whose reads may go to the
 * primary, the factory's connect tries the other hosts once more without it, and no session is evicted toward it.
 */
final class RefusingStandbys {

    private final Set<String> refusing = ConcurrentHashMap.newKeySet();

    /** A connect of the factory landed on {@code host} (its label): it takes the factory's logins. */
    void landed(String host) {
        if (host != null) {
            this.refusing.remove(host);
        }
    }

    /** Whether {@code host} (its label) rejected a login of the factory since one of its connects last landed there. */
    boolean isRefusing(String host) {
        return this.refusing.contains(host);
    }

    /**
     * The host of {@code failure} when it is a {@code prefer-standby} connect's walk stopped by a standby's
     * {@code pg_hba.conf} rejection (28000 at a host that {@code hostMemory} holds as a standby) and other hosts are
     * configured — recorded as refusing; else {@code null}.
     */
    String refusedBy(PgException failure, ConnConfig config, Function<String, HostStatus> hostMemory) {
        if (config.targetSessionAttrs() != TargetSessionAttrs.PREFER_STANDBY || config.hosts().size() < 2) {
            return null;
        }
        PgException deciding = ConnectFailures.deciding(failure);
        String host = deciding.host();
        if (host == null || !"28000".equals(deciding.sqlState().orElse(null))) {
            return null;
        }
        HostStatus memory = hostMemory.apply(host);
        if (memory == null || memory.role() != ServerRole.STANDBY) {
            return null;
        }
        this.refusing.add(host);
        return host;
    }

    /** {@code config} without the hosts refusing the factory's logins, or {@code null} when none would be left. */
    ConnConfig withoutRefusing(ConnConfig config) {
        List<HostSpec> others = config.hosts().stream().filter(host -> !this.refusing.contains(host.label())).toList();
        return others.isEmpty() || others.size() == config.hosts().size() ? null : config.toBuilder().hosts(others).build();
    }
}
