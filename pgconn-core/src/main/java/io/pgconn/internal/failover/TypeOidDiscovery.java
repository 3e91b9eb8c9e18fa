package io.pgconn.internal.failover;

import io.pgconn.PgConnectException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.ConnDefaults;
import io.pgconn.internal.session.ConnectionControl;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Extension type OID discovery after the role check (docs/lifecycle.md §1.5): one query for the
 * configured names, unless this factory asked the same server the same question within
 * {@code hostRecheckInterval} ({@link TypeOidCache}); a failure fails the connection only when
 * {@code extensionTypesRequired}. The session then watches for type DDL and looks its names up again
 * when the factory's epoch moves ({@code ConnectionControl.watchTypeOids}). A listed name the server
 * does not know is logged once per factory: at WARNING, except the default extensions {@code hstore}
 * and {@code vector}, which most databases lack (DEBUG).
 */
final class TypeOidDiscovery {

    private static final System.Logger LOG = System.getLogger(TypeOidDiscovery.class.getName());

    private final TypeOidCache cache;
    /** The names already reported missing by this factory. */
    private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();

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
        if (config.replication() != null && !config.replication().isEmpty()) { // replication sessions skip it
            return true;
        }
        long epoch = cache.current();
        if (config.extensionTypes().isEmpty()) {
            connection.watchTypeOids(config.extensionTypes(), cache, epoch); // still reports its type DDL to the factory
            return true;
        }
        Optional<Map<String, Integer>> known = cache.fresh(TypeOidCache.Key.of(connection, config), config.hostRecheckInterval(), epoch);
        if (known.isPresent()) {
            connection.typeOids(known.get());
            connection.watchTypeOids(config.extensionTypes(), cache, epoch);
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
        long epoch = cache.current();
        return connection.lookupTypeOids(config.extensionTypes().toArray(String[]::new)).handle((oids, error) -> {
            if (error == null) {
                connection.typeOids(oids);
                cache.remember(key, oids, config.hostRecheckInterval(), epoch);
                reportMissing(connection, config, oids);
            } else if (config.extensionTypesRequired()) {
                connection.close();
                throw new PgConnectException(connection.host(), "extension type discovery failed on " + connection.host()
                        + ": " + error.getMessage(), error);
            }
            connection.watchTypeOids(config.extensionTypes(), cache, epoch);
            return connection;
        });
    }

    private void reportMissing(ConnectionControl connection, ConnConfig config, Map<String, Integer> oids) {
        for (String name : config.extensionTypes()) {
            if (oids.containsKey(name) || !reportedMissing.add(name)) {
                continue;
            }
            boolean optional = ConnDefaults.EXTENSION_TYPES.contains(name);
            LOG.log(optional ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, () -> "type " + name
                    + " (listed in extensionTypes) was not found in database " + config.database() + " on " + connection.host()
                    + ": values of it read as text, and its codec is not used until it exists. A type created later through"
                    + " this factory's connections is found before their next statement; one created elsewhere after"
                    + " forgetTypeOids() (docs/codecs.md)");
        }
    }
}
