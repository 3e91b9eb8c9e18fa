package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.pgconn.PgConnection;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.proxy.core.QueryExecutionInfo;
import io.r2dbc.proxy.listener.ProxyExecutionListener;

/**
 * Adds {@code server.address} and {@code server.port} — the host the statement's connection is on — to
 * Boot's {@code r2dbc.query} observation of a pgconn statement. r2dbc-proxy's
 * {@code ObservationProxyExecutionListener} started that observation just before, in the same
 * {@code beforeQuery}, and left it in the execution's value store; its context carries no connection, so
 * the host is read here, from the statement's own connection (after a failover: the new host). Low
 * cardinality, as on {@code pg.conn.statement}: the hosts are the factory's configuration (docs/starter.md §4).
 * Added here too, not only by {@link R2dbcQueryHostConvention}: an application's own convention replaces that one.
 * Clears the host {@link R2dbcQueryHostAhead} left on the thread.
 */
final class R2dbcQueryHostListener implements ProxyExecutionListener {

    @Override
    public void beforeQuery(QueryExecutionInfo execution) {
        R2dbcStatementHost.clear(); // R2dbcQueryHostAhead's, read by the convention as the observation started
        Observation observation = execution.getValueStore().get(Observation.class, Observation.class);
        if (observation == null || observation.isNoop()) {
            return;
        }
        PgConnection connection = PgConnUnwrap.pgConnection(execution.getConnectionInfo().getOriginalConnection());
        observation.lowCardinalityKeyValues(R2dbcStatementHost.keyValues(connection.hostSpec()));
    }
}
