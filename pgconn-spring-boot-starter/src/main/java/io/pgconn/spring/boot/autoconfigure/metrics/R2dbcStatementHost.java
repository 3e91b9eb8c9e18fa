package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValues;
import io.pgconn.config.HostSpec;
import org.jspecify.annotations.Nullable;

/**
 * The host of the statement whose {@code r2dbc.query} observation r2dbc-proxy is about to start, on the thread that
 * runs the proxy's listeners: r2dbc-proxy 1.1.6 calls every listener's {@code beforeQuery} one after another on one
 * thread, and Boot's listener starts the observation — and so Boot's {@code r2dbc.query.active} long-task timer, which
 * takes its tags then — in between. {@link R2dbcQueryHostAhead} sets it before, {@link R2dbcQueryHostConvention} reads
 * it as the observation starts, {@link R2dbcQueryHostListener} clears it after. The keys are the same as on
 * {@code pg.conn.statement}: {@code server.address} (the host name or IP as configured, or the socket file) and
 * {@code server.port}.
 */
final class R2dbcStatementHost {

    private static final ThreadLocal<HostSpec> CURRENT = new ThreadLocal<>();

    private R2dbcStatementHost() {
    }

    static void set(HostSpec host) {
        CURRENT.set(host);
    }

    static @Nullable HostSpec current() {
        return CURRENT.get();
    }

    static void clear() {
        CURRENT.remove();
    }

    static KeyValues keyValues(HostSpec host) {
        return KeyValues.of("server.address", host.isUnixSocket() ? host.socketPath() : host.host(),
                "server.port", Integer.toString(host.port()));
    }
}
