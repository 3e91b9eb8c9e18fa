package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PooledFailoverIT}'s failover with a proxy between the pool and the driver, as Spring Boot's
 * r2dbc-proxy {@code ConnectionFactoryDecorator} puts one: the pool's connections are the proxy's, and
 * the eviction must still find the pgconn connection under them (it looked at the pool's connection
 * only, so the stale connections were handed to validation on acquire, which failed the acquire).
 */
class WrappedPoolFailoverIT {

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-wrapped-failover", 1).build();

    @Test
    void idleConnectionsToADemotedPrimaryAreEvictedThroughAProxyBetweenPoolAndDriver() {
        PooledFailoverIT.idleConnectionsToADemotedPrimaryAreEvicted(PG, WrappingProxies::around);
    }
}
