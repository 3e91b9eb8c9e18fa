package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One {@link HostMonitor}'s replay-lag reads: after each probe, a host that answered as a standby is asked how far its
 * replay is behind, on the same probe session ({@link ReplicaLagProbe}, NEW-USER-28 F1), and the lag goes to
 * {@link ReplicaLags} under the application's factory and the host's label, which health and the
 * {@code pg.conn.replica.lag} gauges read. A host that is no standby now (a primary, down, full, not answering) has none:
 * its lag is forgotten. It is shown, not acted on: a lag changes no host's status.
 */
final class StandbyLagReads {

    /** The factory whose host this is: the key of its lags. */
    private final PgConnectionFactory applicationFactory;

    private final String host;

    /** Where the lag of this host is kept while it answers as a standby. */
    private final ReplicaLags lags;

    private final ReplicaLagProbe probe;

    StandbyLagReads(PgConnectionFactory applicationFactory, String host, ReplicaLags lags, Duration timeout, Clock clock) {
        this.applicationFactory = applicationFactory;
        this.host = host;
        this.lags = lags;
        this.probe = new ReplicaLagProbe(timeout, clock);
    }

    /**
     * After a probe that left {@code view}: the replay lag of a host that answered as a standby on the open probe session
     * {@code session}, else none. A lag query that fails or gets no answer leaves the lag unknown and the host as the probe
     * left it: the next probe's role question tells whether the host still answers. {@code closed}: whether the monitor
     * closed meanwhile (nothing it measures then stays).
     */
    CompletableFuture<Void> afterProbe(HostView view, @Nullable PgConnection session, BooleanSupplier closed) {
        if (closed.getAsBoolean() || view.state() != HostStatus.State.UP || view.role() != ServerRole.STANDBY || session == null
                || session.isClosed()) {
            forget();
            return CompletableFuture.completedFuture(null);
        }
        return this.probe.measure(session).handle((lag, failure) -> {
            if (lag != null && !closed.getAsBoolean()) {
                this.lags.measured(this.applicationFactory, this.host, lag);
            } else {
                forget();
            }
            return null;
        });
    }

    /** The host is no standby now, or the monitor closed: no lag of it stays. */
    void forget() {
        this.lags.unknown(this.applicationFactory, this.host);
    }
}
