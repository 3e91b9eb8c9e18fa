package io.pgconn.failover;

import io.pgconn.PgConnectException;
import io.pgconn.config.ConnConfig;
import io.pgconn.session.DefaultPgConnection;

import java.util.concurrent.CompletableFuture;

/**
 * Extension type OID discovery after the role check (lifecycle spec §1.5): one query for the
 * configured names; a failure fails the connection only when {@code extensionTypesRequired}.
 */
final class TypeOidDiscovery {

    private TypeOidDiscovery() {
    }

    static CompletableFuture<DefaultPgConnection> discover(DefaultPgConnection connection, ConnConfig config) {
        if (config.extensionTypes().isEmpty() || (config.replication() != null && !config.replication().isEmpty())) { // replication sessions skip it
            return CompletableFuture.completedFuture(connection);
        }
        return connection.lookupTypeOids(config.extensionTypes().toArray(String[]::new)).handle((oids, error) -> {
            if (error == null) {
                connection.typeOids(oids);
            } else if (config.extensionTypesRequired()) {
                connection.close();
                throw new PgConnectException(connection.host(), "extension type discovery failed on " + connection.host()
                        + ": " + error.getMessage(), error);
            }
            return connection;
        });
    }
}
