package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.ServerRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches one configured host through an idle connection of its own: each {@link #probe()} asks
 * the server its role now ({@link PgConnection#currentRole()}, one round trip), or opens the
 * connection when there is none. A probe
 * that fails or does not answer within the probe timeout (a crashed server, a frozen one) drops the
 * connection and marks the host down; every answer is also told to the application's factory, so
 * its next {@code connect()} orders hosts by what was just seen.
 */
final class HostMonitor {

    private static final Log logger = LogFactory.getLog(HostMonitor.class);

    private final HostSpec host;

    private final PgConnectionFactory monitorFactory;

    private final PgConnectionFactory applicationFactory;

    private final ConnConfig hostConfig;

    private final Duration probeTimeout;

    private final Clock clock;

    private final AtomicBoolean probing = new AtomicBoolean();

    private volatile @Nullable PgConnection connection;

    private volatile HostView view;

    private volatile boolean closed;

    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration probeTimeout, Clock clock) {
        this.host = host;
        this.monitorFactory = monitorFactory;
        this.applicationFactory = applicationFactory;
        this.probeTimeout = probeTimeout;
        this.clock = clock;
        this.view = HostView.unknown(host.label());
        // this host alone, whatever its role, within one probe's time; no type look-up; named apart
        // from the application's own connections in pg_stat_activity
        ConnConfig config = applicationFactory.config();
        this.hostConfig = config.toBuilder().hosts(List.of(host))
                .applicationName(config.applicationName() == null ? "pgconn-health" : config.applicationName() + "-health")
                .targetSessionAttrs(io.pgconn.config.TargetSessionAttrs.ANY).connectTimeout(probeTimeout)
                .hostConnectTimeout(probeTimeout).extensionTypes(List.of()).keepalives(true).build();
    }

    HostView view() {
        return this.view;
    }

    /**
     * Starts one probe unless one is still running (a frozen server: its timeout decides);
     * the future completes when the view is updated.
     */
    CompletableFuture<Void> probe() {
        if (this.closed || !this.probing.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        PgConnection current = this.connection;
        CompletableFuture<PgConnection> ready = current != null && !current.isClosed()
                ? CompletableFuture.completedFuture(current)
                : this.monitorFactory.connect(this.hostConfig).thenApply(this::keep);
        // the role now, not at session start (a promoted standby answers differently), with the
        // probe core's connect path uses
        return ready.thenCompose(PgConnection::currentRole)
                .orTimeout(this.probeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((role, failure) -> {
                    // once closed, a failure is its own connection closing under it: nothing learned about the host
                    if (!this.closed) {
                        if (failure == null) {
                            up(role);
                        } else {
                            down(failure);
                        }
                    }
                    this.probing.set(false);
                    return null;
                });
    }

    private PgConnection keep(PgConnection opened) {
        this.connection = opened;
        return opened;
    }

    private void up(ServerRole role) {
        PgConnection current = this.connection;
        String version = current != null ? current.serverVersion() : null;
        this.view = this.view.up(role, version == null ? "" : version, this.clock.instant());
        this.applicationFactory.reportHostUp(this.host, role);
    }

    private void down(Throwable failure) {
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close(); // not awaited: a frozen server would hold the probe
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String reason = HostFailureReason.of(cause, this.host, this.probeTimeout);
        boolean changed = !reason.equals(this.view.error());
        this.view = this.view.down(reason, this.clock.instant());
        this.applicationFactory.reportHostDown(this.host, reason);
        if (changed) {
            // the short reason goes to health; the whole story, once per change, to the log
            logger.info("pgconn health: host " + this.host.label() + " is down: " + reason
                    + (cause instanceof TimeoutException ? "" : " (" + cause.getMessage() + ")"));
        }
    }

    void close() {
        this.closed = true;
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close();
        }
    }
}
