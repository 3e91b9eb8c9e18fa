package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.pgconn.config.HostSpec;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.proxy.core.MethodExecutionInfo;
import io.r2dbc.proxy.core.QueryExecutionInfo;
import io.r2dbc.proxy.listener.ProxyExecutionListener;

/**
 * Boot's {@code r2dbc.query} listener (r2dbc-proxy's {@code ObservationProxyExecutionListener}) on a pgconn factory's
 * proxy, with {@code server.address} and {@code server.port} — the host the statement's connection is on — added to
 * the observation it starts. The host is read from the statement's own connection (after a failover: the new host),
 * as the observation's context carries no connection. Low cardinality, as on {@code pg.conn.statement}: the hosts are
 * the factory's configuration (docs/starter.md §4).
 * <p>
 * Twice: on the thread while Boot's {@code beforeQuery} runs ({@link R2dbcStatementHost}), for
 * {@link R2dbcQueryHostConvention} to give as the observation — and Boot's {@code r2dbc.query.active} long-task
 * timer, which takes its tags then — starts, and on the started observation after it, as an application's own
 * convention replaces the starter's. The host is off the thread when Boot's {@code beforeQuery} returns or throws,
 * so no other driver's query run on the thread later sees it (AUDIT-14 L6).
 */
final class R2dbcQueryHostListener implements ProxyExecutionListener {

    private final ProxyExecutionListener bootsObservation;

    R2dbcQueryHostListener(ProxyExecutionListener bootsObservation) {
        this.bootsObservation = bootsObservation;
    }

    @Override
    public void beforeQuery(QueryExecutionInfo execution) {
        HostSpec host = PgConnUnwrap.pgConnection(execution.getConnectionInfo().getOriginalConnection()).hostSpec();
        R2dbcStatementHost.during(host, () -> this.bootsObservation.beforeQuery(execution));
        Observation observation = execution.getValueStore().get(Observation.class, Observation.class);
        if (observation != null && !observation.isNoop()) {
            observation.lowCardinalityKeyValues(R2dbcStatementHost.keyValues(host));
        }
    }

    @Override
    public void afterQuery(QueryExecutionInfo execution) {
        this.bootsObservation.afterQuery(execution);
    }

    @Override
    public void eachQueryResult(QueryExecutionInfo execution) {
        this.bootsObservation.eachQueryResult(execution);
    }

    @Override
    public void beforeMethod(MethodExecutionInfo execution) {
        this.bootsObservation.beforeMethod(execution);
    }

    @Override
    public void afterMethod(MethodExecutionInfo execution) {
        this.bootsObservation.afterMethod(execution);
    }
}
