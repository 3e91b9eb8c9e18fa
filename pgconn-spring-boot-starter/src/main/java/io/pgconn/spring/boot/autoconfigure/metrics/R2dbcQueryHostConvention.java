package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValues;
import io.pgconn.config.HostSpec;
import io.r2dbc.proxy.observation.QueryContext;
import io.r2dbc.proxy.observation.QueryObservationConvention;

/**
 * r2dbc-proxy's own convention for {@code r2dbc.query}, plus {@code server.address} and {@code server.port} of the
 * statement's connection while {@link R2dbcQueryHostListener} holds them on the thread — through Boot's
 * {@code beforeQuery}, where the observation starts, so Boot's {@code r2dbc.query.active} long-task timer gets them
 * (it takes its tags at the start). A query of another driver's factory has no host on the thread and gets
 * r2dbc-proxy's keys only. Boot gives it to r2dbc-proxy's listener as the {@code QueryObservationConvention} bean; an
 * application's own convention replaces it (then the long-task timer has no host; the timer and span still do).
 */
final class R2dbcQueryHostConvention implements QueryObservationConvention {

    @Override
    public KeyValues getLowCardinalityKeyValues(QueryContext context) {
        KeyValues keys = QueryObservationConvention.super.getLowCardinalityKeyValues(context);
        HostSpec host = R2dbcStatementHost.current();
        return host == null ? keys : keys.and(R2dbcStatementHost.keyValues(host));
    }
}
