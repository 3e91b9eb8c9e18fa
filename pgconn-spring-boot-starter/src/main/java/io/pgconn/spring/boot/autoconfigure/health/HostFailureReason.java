package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.config.HostSpec;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A host's failure in a few words and its {@code host:port}, e.g. {@code connection refused (db1:5432)},
 * for health details and pages built on them; the full message (Netty's socket text included) goes
 * to the log. Classified from the exception types, never from message text; anything not
 * recognised keeps core's message, which names the host and holds no secret.
 */
final class HostFailureReason {

    private HostFailureReason() {
    }

    static String of(Throwable failure, HostSpec host, Duration probeTimeout) {
        String label = host.label();
        // the probe's own deadline, or its connect's (the monitor's config sets connectTimeout to the
        // probe's time: the core's "connectTimeout=..." would name a setting the user did not set)
        if (failure instanceof TimeoutException || failure instanceof PgTimeoutException) {
            return "no answer within " + probeTimeout.toMillis() + " ms (" + label + ")";
        }
        if (failure instanceof PgAuthenticationException) {
            return "authentication failed (" + label + ")";
        }
        if (failure instanceof PgTlsException) {
            return "TLS failed (" + label + "): " + failure.getMessage();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException && !(t instanceof NoRouteToHostException)) {
                return "connection refused (" + label + ")";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host (" + label + ")";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host (" + label + ")";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName() + " (" + label + ")";
    }
}
