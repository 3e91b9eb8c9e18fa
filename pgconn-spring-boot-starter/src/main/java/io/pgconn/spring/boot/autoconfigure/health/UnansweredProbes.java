package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.config.HostSpec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Counts a host's probes in a row that got no answer within the probe timeout and, at the
 * {@link #TO_CLOSE}th, closes the application's connections to it
 * ({@code pg.conn.health.close-connections-when-unresponsive}, docs/starter.md §3): a server that
 * stopped answering still ACKs TCP, so nothing else ends the statements waiting on it. An answer
 * or any other failure starts the count again. Used by one probe at a time.
 */
final class UnansweredProbes {

    /** The monitor's log category, which the README names for health's host events. */
    private static final Log logger = LogFactory.getLog(HostMonitor.class);

    /**
     * Unanswered probes in a row that close the application's connections: one is not enough. A JVM
     * pause (a long GC, a safepoint) or one slow answer can let a single probe's timeout pass while
     * the server is fine, and closing every connection to the host fails all its work in flight; a
     * server that stopped answering does not answer the next probe (on a new connection) either.
     */
    static final int TO_CLOSE = 2;

    private final HostSpec host;

    private final PgConnectionFactory applicationFactory;

    private final Duration probeTimeout;

    private final boolean closeWhenUnresponsive;

    private final String logPrefix;

    private int inARow;

    UnansweredProbes(HostSpec host, PgConnectionFactory applicationFactory, Duration probeTimeout,
            boolean closeWhenUnresponsive, String factoryName) {
        this.logPrefix = HealthLogPrefix.of(factoryName);
        this.host = host;
        this.applicationFactory = applicationFactory;
        this.probeTimeout = probeTimeout;
        this.closeWhenUnresponsive = closeWhenUnresponsive;
    }

    /**
     * Nothing answered within the probe timeout: not a refusal, not an error, silence. A server that
     * stopped that way (SIGSTOP, a hung VM, a network cut) still ACKs TCP or says nothing at all, so no
     * socket setting ends the application's statements waiting on it; only closing them does.
     */
    static boolean stoppedAnswering(Throwable cause) {
        return cause instanceof TimeoutException || cause instanceof PgTimeoutException;
    }

    /** An answer, or a failure that is not silence: the count starts again. */
    void reset() {
        this.inARow = 0;
    }

    /**
     * A failed probe (after the host memory is told {@code down}, so that a pool counts the connections it closes as
     * {@code host-down} and its new connections go elsewhere): counts silence, and closes the
     * application's connections once per silence, at the {@link #TO_CLOSE}th in a row.
     */
    void failed(Throwable cause) {
        this.inARow = stoppedAnswering(cause) ? this.inARow + 1 : 0;
        if (this.closeWhenUnresponsive && this.inARow == TO_CLOSE) {
            closeApplicationConnections(); // the count passes TO_CLOSE only once before an answer
        }
    }

    private void closeApplicationConnections() {
        String why = "the server stopped answering (no answer to " + TO_CLOSE
                + " pgconn health checks in a row, " + this.probeTimeout.toMillis() + " ms each)";
        HealthHostWatcher.of(this.applicationFactory).closeConnections(this.host, why).thenAccept(closed -> {
            if (closed > 0) {
                logger.warn(this.logPrefix + "closed " + closed + " connection(s) to " + this.host.label() + ": " + why
                        + "; their work in flight failed (pg.conn.health.close-connections-when-unresponsive=false keeps them waiting)");
            }
        });
    }
}
