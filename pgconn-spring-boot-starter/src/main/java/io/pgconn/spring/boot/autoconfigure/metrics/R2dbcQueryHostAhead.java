package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.proxy.core.QueryExecutionInfo;
import io.r2dbc.proxy.listener.ProxyExecutionListener;

/**
 * Before Boot's observation listener: leaves the host of the statement's connection on the thread
 * ({@link R2dbcStatementHost}) for {@link R2dbcQueryHostConvention} to read as Boot's {@code r2dbc.query} observation
 * starts, so that its long-task timer {@code r2dbc.query.active}, made at the start, carries the host too.
 */
final class R2dbcQueryHostAhead implements ProxyExecutionListener {

    @Override
    public void beforeQuery(QueryExecutionInfo execution) {
        R2dbcStatementHost.set(PgConnUnwrap.pgConnection(execution.getConnectionInfo().getOriginalConnection()).hostSpec());
    }
}
