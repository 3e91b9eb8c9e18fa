package io.pgconn.internal.failover;

import io.pgconn.PgConnectException;
import io.pgconn.config.ConnConfig;
import io.pgconn.internal.session.ConnectionControl;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Extension type OID discovery after the role check (docs/lifecycle.md §1.5): one query for the
 * configured names, unless this factory asked the same server the same question within
 * {@code hostRecheckInterval} ({@link TypeOidCache}); a failure fails the connection only when
 * {@code extensionTypesRequired}.
 */
final class TypeOidDiscovery {

    private final TypeOidCache cache;

    TypeOidDiscovery(TypeOidCache cache) {
        this.cache = cache;
    }

    TypeOidCache cache() {
        return cache;
    }

    /**
     * Whether the session needs no query: no names to look up, a replication session, or an answer this
     * factory learned within {@code hostRecheckInterval} (then set on the session). The common case, decided
     * without a future.
     */
    boolean knownNow(ConnectionControl connection, ConnConfig config) {
        if (config.extensionTypes().isEmpty() || (config.replication() != null && !config.replication().isEmpty())) { // replication sessions skip it
            return true;
        }
        Optional<Map<String, Integer>> known = cache.fresh(TypeOidCache.Key.of(connection, config), config.hostRecheckInterval());
        if (known.isPresent()) {
            connection.typeOids(known.get());
            return true;
        }
        return false;
    }

    /** {@link #knownNow}, else the query; its failure fails the session only when {@code extensionTypesRequired}. */
    CompletableFuture<ConnectionControl> discover(ConnectionControl connection, ConnConfig config) {
        if (knownNow(connection, config)) {
            return CompletableFuture.completedFuture(connection);
        }
        TypeOidCache.Key key = TypeOidCache.Key.of(connection, config);
        return connection.lookupTypeOids(config.extensionTypes().toArray(String[]::new)).handle((oids, error) -> {
            if (error == null) {
                connection.typeOids(oids);
                cache.remember(key, oids, config.hostRecheckInterval());
            } else if (config.extensionTypesRequired()) {
                connection.close();
                throw new PgConnectException(connection.host(), "extension type discovery failed on " + connection.host()
                        + ": " + error.getMessage(), error);
            }
            return connection;
        });
    }
}
