package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValues;
import io.pgconn.config.HostSpec;
import org.jspecify.annotations.Nullable;

/**
 * The host of the statement whose {@code r2dbc.query} observation Boot's listener is starting, on the thread that
 * runs it: r2dbc-proxy 1.1.6 calls the listeners' {@code beforeQuery} on one thread, and Boot's listener starts the
 * observation — and so Boot's {@code r2dbc.query.active} long-task timer, which takes its tags then — inside its own.
 * {@link R2dbcQueryHostListener} holds it there for exactly that call, {@link R2dbcQueryHostConvention} reads it. The
 * keys are the same as on {@code pg.conn.statement}: {@code server.address} (the host name or IP as configured, or
 * the socket file) and {@code server.port}.
 */
final class R2dbcStatementHost {

    private static final ThreadLocal<HostSpec> CURRENT = new ThreadLocal<>();

    private R2dbcStatementHost() {
    }

    /** Runs {@code work} with {@code host} on the thread; afterwards — returned or thrown — the thread has what it had. */
    static void during(HostSpec host, Runnable work) {
        HostSpec before = CURRENT.get();
        CURRENT.set(host);
        try {
            work.run();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    static @Nullable HostSpec current() {
        return CURRENT.get();
    }

    static KeyValues keyValues(HostSpec host) {
        return KeyValues.of("server.address", host.isUnixSocket() ? host.socketPath() : host.host(),
                "server.port", Integer.toString(host.port()));
    }
}
