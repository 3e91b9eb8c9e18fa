package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.config.HostSpec;
import org.jspecify.annotations.Nullable;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A host's failure in a few words and its {@code host:port}, e.g. {@code connection refused (db1:5432)},
 * for health details and pages built on them: {@code lastError} and the {@code error} of a DOWN
 * report are public, so they carry no message text at all (a TLS message names the
 * {@code sslrootcert} file, a server message the database, a socket message the address). The full
 * message goes to {@link HostMonitor}'s INFO log once per change. Classified from the exception types
 * and the server's SQLSTATE, never from message text.
 */
final class HostFailureReason {

    private static final String UNANSWERED_LOGIN = "no answer to a new login within ";

    private HostFailureReason() {
    }

    static String of(Throwable failure, HostSpec host, Duration probeTimeout) {
        return words(failure, probeTimeout) + " (" + host.label() + ")";
    }

    /**
     * A new login that got no answer within the probe timeout while the monitor's open session to the
     * host answered: the host serves its sessions and takes no new ones (a stopped postmaster, a
     * hanging authentication).
     */
    static String unansweredLogin(HostSpec host, Duration probeTimeout) {
        return UNANSWERED_LOGIN + probeTimeout.toMillis() + " ms (" + host.label() + ")";
    }

    /** Whether {@code reason} is an {@link #unansweredLogin} one. */
    static boolean isUnansweredLogin(@Nullable String reason) {
        return reason != null && reason.startsWith(UNANSWERED_LOGIN);
    }

    private static String words(Throwable failure, Duration probeTimeout) {
        // the probe's own deadline, or its connect's (the monitor's config sets connectTimeout to the
        // probe's time: the core's "connectTimeout=..." would name a setting the user did not set)
        if (failure instanceof TimeoutException || failure instanceof PgTimeoutException) {
            return "no answer within " + probeTimeout.toMillis() + " ms";
        }
        if (failure instanceof PgAuthenticationException) {
            return "authentication failed";
        }
        if (failure instanceof PgTlsException) {
            return "TLS failed";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (failure instanceof PgException pg && pg.sqlState().isPresent()) {
            // a SQLSTATE is five letters and digits: safe to show, and what an operator looks up
            return ServerErrorWords.of(pg.sqlState().get());
        }
        if (failure instanceof PgConfigException) {
            return "configuration error";
        }
        if (failure instanceof PgClosedException) {
            return "connection closed";
        }
        if (failure instanceof PgProtocolException) {
            return "protocol error";
        }
        if (failure instanceof PgConnectException) {
            return "connection failed";
        }
        return "failed: " + failure.getClass().getSimpleName();
    }
}
