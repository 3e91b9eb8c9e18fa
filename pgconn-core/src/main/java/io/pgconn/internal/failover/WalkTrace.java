package io.pgconn.internal.failover;

import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.SafeTracer;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The tracer events of one {@link ConnectWalk} (docs/lifecycle.md §7), kept apart so that the walk reads
 * as the walk: the connect's id, its count of host attempts, and one method per event. A tracer that
 * throws is ignored ({@link SafeTracer}). Called on the walk's loop, except when the caller cancels: then the
 * abandoned attempt's end and {@link #connectEnded} come from the caller's thread. {@link WalkEnd}'s lock orders
 * the two (and publishes the count of attempts to {@link #connectEnded}).
 */
final class WalkTrace {

    private final long id;
    private final PgTracer tracer;
    private int attempts;

    WalkTrace(long id, PgTracer tracer) {
        this.id = id;
        this.tracer = tracer;
    }

    void connectStarted(List<HostSpec> hosts, TargetSessionAttrs target) {
        SafeTracer.run(tracer, t -> t.connectStarted(PgTracer.ConnectStarted.of(id, hosts, target)));
    }

    /** Counts the attempt, for {@link #connectEnded}. */
    void hostAttemptStarted(HostSpec host, SocketAddress address, int pass, boolean tls) {
        attempts++;
        SafeTracer.run(tracer, t -> t.hostAttemptStarted(PgTracer.HostAttemptStarted.of(id, host, address, pass, tls)));
    }

    /** A session handed out. */
    void hostAttemptConnected(HostSpec host, SocketAddress address, ConnectionControl connection, Duration elapsed) {
        SafeTracer.run(tracer, t -> t.hostAttemptEnded(PgTracer.HostAttemptEnded.of(id, host, address, PgTracer.HostOutcome.CONNECTED,
                connection.role(), connection.tlsProtocol().orElse(null), connection.authMethod(), null, elapsed)));
    }

    /** A host or address that gave no session; {@code address} is null when its name did not resolve. */
    void hostAttemptFailed(HostSpec host, SocketAddress address, PgException error, Duration elapsed) {
        SafeTracer.run(tracer, t -> t.hostAttemptEnded(PgTracer.HostAttemptEnded.of(id, host, address, Outcomes.of(error),
                error instanceof PgRoleMismatchException mismatch ? mismatch.role() : null, null, null, error, elapsed)));
    }

    /**
     * An attempt the walk's end cut off (connectTimeout, the caller's cancel, the factory's close): it failed with the
     * walk's reason — a timeout is the TIMEOUT outcome; a cancel, a failure naming the host with the cancel as cause.
     */
    void hostAttemptAbandoned(HostSpec host, SocketAddress address, Throwable reason, Duration elapsed) {
        PgException error = reason instanceof PgException known ? known : new PgConnectException(host.label(),
                "connect to " + host.label() + " abandoned: " + (reason == null ? "the walk ended" : reason.getMessage()), reason);
        hostAttemptFailed(host, address, error, elapsed);
    }

    /** The connection handed out tells its statements to the tracer (docs/query.md §8); nothing without a tracer. */
    void statementsOf(ConnectionControl connection, String database) {
        if (tracer != PgTracer.noop()) {
            connection.traceStatements(tracer, database);
        }
    }

    /** The walk's end: the session handed out, or {@code error}. */
    void connectEnded(ConnectionControl connection, Throwable error, Duration elapsed) {
        SafeTracer.run(tracer, t -> t.connectEnded(connection == null
                ? new PgTracer.ConnectEnded(id, null, null, attempts, error, elapsed)
                : new PgTracer.ConnectEnded(id, connection.host(), connection.role(), attempts, null, elapsed, connection.hostSpec(),
                        connection.remoteAddress(), connection.tlsProtocol().orElse(null), connection.authMethod())));
    }
}
