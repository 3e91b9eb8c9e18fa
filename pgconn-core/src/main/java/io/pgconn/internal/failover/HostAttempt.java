package io.pgconn.internal.failover;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgconn.FatalErrors;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTimeoutException;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.transport.DialledAddressText;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One host attempt of a {@link ConnectWalk}, as one callback state machine on the walk's loop: the
 * session on one address ({@link Endpoints#connect}: dial, TLS, startup) → its role (§2.2) → the
 * extension type OIDs (§1.5) → exactly one outcome to {@link ConnectWalk#attemptEnded}. The budget's
 * timer ends the attempt early and aborts its scope; whatever settles after the outcome (a session that
 * arrives late) is closed, never handed out.
 *
 * <p>Why callbacks and not a CompletableFuture chain: the chain took about ten stages per connect (a
 * future, a stage object and a lambda each) that the JIT compiled connect after connect while, on a
 * 2-core machine, the server's new backend waited for the CPU. A role known from ParameterStatus
 * (PostgreSQL 14+) and type OIDs the factory already knows are decided in the same call as the
 * session's arrival; only a role probe or a type OID query waits for a future.
 *
 * <p>Threading: every step runs on the walk's loop (the session's future completes there, and so do
 * the probe's and the query's); the lock only orders the budget's timer against the outcome.
 */
final class HostAttempt implements BiConsumer<ConnectionControl, Throwable>, Runnable {

    private final ConnectWalk walk;
    private final HostSpec host;
    private final List<SocketAddress> addresses;
    private final int position;
    private final AttemptScope scope;
    private final Duration budget;
    private final long startNanos = System.nanoTime();
    private final ScheduledFuture<?> timer;
    /** When the budget's timer is due (System.nanoTime), to tell a late timer in the timeout's message. */
    private final long due;
    /** Guarded by this: an outcome reached the walk (or the budget ran out). */
    private boolean settled;
    /** The session arrived: the host answered the login (set on the walk's loop, read by the budget's timer there). */
    private volatile boolean loggedIn;
    /** The budget ran out after {@link #loggedIn} (set before the walk hears of the timeout). */
    private volatile boolean timedOutLoggedIn;

    HostAttempt(ConnectWalk walk, HostSpec host, List<SocketAddress> addresses, int position, AttemptScope scope, Duration budget) {
        this.walk = walk;
        this.host = host;
        this.addresses = addresses;
        this.position = position;
        this.scope = scope;
        this.budget = budget;
        this.due = startNanos + budget.toNanos();
        this.timer = budget.isZero() ? null : scope.eventLoop().schedule(this, budget.toNanos(), TimeUnit.NANOSECONDS);
    }

    HostSpec host() {
        return host;
    }

    List<SocketAddress> addresses() {
        return addresses;
    }

    int position() {
        return position;
    }

    SocketAddress address() {
        return addresses.get(position);
    }

    /**
     * Whether this attempt timed out after the host (or a pooler in front of it) answered its login: the role probe or
     * the type OID query got no answer in time, as in a session-mode pooler's queue (docs/lifecycle.md §2.4).
     */
    boolean timedOutLoggedIn() {
        return timedOutLoggedIn;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The session on the address, or why there is none (the dial, TLS or startup failed). */
    @Override
    public void accept(ConnectionControl connection, Throwable error) {
        if (error != null) {
            end(null, error, true);
            return;
        }
        loggedIn = true;
        step(connection, () -> {
            TargetSessionAttrs target = walk.target();
            ServerRole known = RoleCheck.fromParameters(connection.parameters(), target);
            if (known != ServerRole.UNKNOWN || !target.needsRole()) {
                roleKnown(connection, known);
                return;
            }
            RoleCheck.probe(connection.connection(), target).whenComplete((role, probeError) -> step(connection, () -> {
                if (probeError != null) {
                    connection.close(); // a failed or indecisive probe skips the host; its session must not stay open
                    end(null, probeError, false);
                } else {
                    roleKnown(connection, role);
                }
            }));
        });
    }

    private void roleKnown(ConnectionControl connection, ServerRole role) {
        connection.role(role);
        connection.target(walk.target());
        PgRoleMismatchException mismatch = walk.holdIfNotWanted(connection, role);
        if (mismatch != null) {
            end(null, mismatch, false);
            return;
        }
        TypeOidDiscovery typeOids = walk.typeOids();
        if (typeOids.knownNow(connection, walk.config())) {
            end(connection, null, false);
            return;
        }
        typeOids.discover(connection, walk.config())
                .whenComplete((discovered, discoveryError) -> step(connection, () -> end(discovered, discoveryError, false)));
    }

    /**
     * Runs one step on the session: a step that throws (a bug, a class that would not load, a codec or
     * callback that fails) fails the attempt now, its session closed and the throwable the cause. Unguarded,
     * the throwable would end in the CompletableFuture whose callback ran the step — which keeps it to itself
     * — and the attempt would wait for its budget to run out, or forever without one. A
     * {@link VirtualMachineError} is let through ({@link FatalErrors}): the attempt then ends by its budget.
     */
    private void step(ConnectionControl connection, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            FatalErrors.throwIfFatal(e); // not this host's failure: nothing is reliable after it
            synchronized (this) {
                if (settled) {
                    throw e; // the outcome was handed on already: not this attempt's failure to report
                }
            }
            connection.close();
            end(null, e, false);
        }
    }

    /**
     * Hands the outcome to the walk once; a session that comes after the budget ran out is closed.
     *
     * @param duringStartup whether the failure came from the dial, TLS or startup (not from the role or type OID steps)
     */
    private void end(ConnectionControl connection, Throwable error, boolean duringStartup) {
        synchronized (this) {
            if (settled) {
                if (connection != null) {
                    connection.close();
                }
                return;
            }
            settled = true;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        walk.attemptEnded(this, connection, error, duringStartup);
    }

    /**
     * The walk ended while this attempt was in flight (it traced the attempt's end): the budget's timer stops, and
     * whatever the attempt meets later is closed, not handed on.
     */
    void abandon() {
        synchronized (this) {
            settled = true;
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The budget ran out: the attempt fails as a timeout and its channel closes (or the whole connect times out). */
    @Override
    public void run() {
        long late = System.nanoTime() - due;
        if (walk.overallExpired()) {
            walk.totalTimeout(late); // the whole attempt is over, not just this host's share
            return;
        }
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
        }
        timedOutLoggedIn = loggedIn;
        walk.attemptEnded(this, null, new PgTimeoutException(host.label(), "server " + host.label()
                + DialledAddressText.after(host.label(), address()) + " did not complete the connection within " + budget.toMillis() + "ms (hostConnectTimeout/connectTimeout)"
                + scope.stillWaiting() + Lateness.of(late)), false);
        scope.abort();
    }
}
