package io.pgconn.internal.failover;

import io.pgconn.config.TargetSessionAttrs;
import io.netty.channel.EventLoop;
import io.pgconn.FatalErrors;
import io.pgconn.PgClosedException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTimeoutException;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.connect.HostConnector;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.trace.PgTracer;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One multi-host connect: passes over hosts ({@link HostPasses}), addresses of each host, one attempt at a time.
 * Moves on after refusal, DNS failure, timeout, 57P03, 53300 and 3D000 (deliberate differences from libpq),
 * role mismatch or a closed socket; stops, as libpq does, at an authentication or configuration
 * failure, a TLS failure the sslmode allows no fallback from, and any other startup ErrorResponse
 * such as 42501 — {@link WalkStopRule} is the one place that decides. The whole walk is bounded by {@code connectTimeout}
 * ({@link WalkDeadline});
 * anything that completes after the caller's future is done is closed, never leaked. The walk's end and the caller's
 * future are {@link WalkFuture}; what its attempts tell the factory's host memory, {@link WalkMemory}.
 *
 * <p>Threading: the walk is confined to one event loop ({@code loop}, chosen per connect). Every step —
 * timers, dials, TLS, startup, role check, moving to the next address or host — runs there, as callbacks
 * (one {@link HostAttempt} per address), not as a chain of futures; a host
 * NAME is looked up on the factory's look-up pool and its result hops back to the loop before the
 * walk goes on. The only action from another thread is a caller cancelling its future, which aborts
 * the attempt in flight through {@link AttemptScope}'s lock.
 *
 * <p>Tracing (docs/lifecycle.md §7): every attempt started ends, ConnectEnded is the last event and no attempt
 * starts after it — {@link WalkEnd} keeps the end and the attempt in flight under one lock.
 */
final class ConnectWalk {

    private final ConnConfig config;
    private final WalkTrace trace;
    private final Endpoints endpoints;
    private final WalkMemory memory;
    private final TypeOidDiscovery typeOids;
    private final HostPasses passes;
    private final RandomGenerator addressShuffle;
    private final TargetSessionAttrs target;
    /** The caller's future, and the walk's end: completed by {@link WalkFuture#end} (or cancelled by the caller) after the walk's bookkeeping. */
    private final WalkFuture result;
    private final WalkEnd walkEnd;
    private final WalkFailures failures = new WalkFailures();
    private final WalkTime time;
    // one loop per connect: timers and channels on the same thread, no cross-thread wake-ups
    private final EventLoop loop;
    /** The host being resolved or dialled now, named when the whole-attempt deadline cuts it short. */
    private volatile HostSpec currentHost;
    private final WalkDeadline deadline;
    private final HeldSessions held = new HeldSessions();

    /** @param loop the loop the walk, its timers and its channels run on */
    ConnectWalk(long id, ConnConfig config, EventLoop loop, PgTracer tracer, Endpoints endpoints, HostStatusRegistry registry,
                TypeOidDiscovery typeOids, List<HostSpec> hosts, RandomGenerator addressShuffle) {
        this.config = config;
        this.trace = new WalkTrace(id, tracer);
        this.walkEnd = new WalkEnd(trace);
        this.time = new WalkTime(config);
        this.endpoints = endpoints;
        this.memory = new WalkMemory(registry, config.targetSessionAttrs());
        this.typeOids = typeOids;
        this.passes = new HostPasses(hosts, config.targetSessionAttrs().passes());
        this.deadline = new WalkDeadline(config.connectTimeout());
        this.result = new WalkFuture(walkEnd, trace, deadline, time, held, config.database());
        this.addressShuffle = addressShuffle;
        this.target = config.targetSessionAttrs();
        this.loop = loop;
    }

    CompletableFuture<ConnectionControl> start() {
        return start(connection -> { });
    }

    /**
     * Starts the walk; {@code onEnd} runs once when it ends, before the returned future completes, with the
     * session handed out or null (failed or cancelled).
     */
    CompletableFuture<ConnectionControl> start(Consumer<ConnectionControl> onEnd) {
        result.onEnd(onEnd);
        trace.connectStarted(passes.hosts(), target);
        // the walk runs on its loop from the start: the timers and the dial need no wake-up of another thread
        if (loop.inEventLoop()) {
            begin();
        } else {
            try {
                loop.execute(this::begin);
            } catch (RejectedExecutionException e) {
                end(null, new PgClosedException(null, "cannot connect: the event loop is shut down", e));
            }
        }
        return result;
    }

    /** Ends the walk once ({@link WalkFuture#end}); a session that comes after the end is closed. */
    private boolean end(ConnectionControl connection, Throwable error) {
        return result.end(connection, error);
    }

    private void begin() {
        // armed first, then the end looked at: a cancel before this look finds the timer to cancel, one after it is seen here;
        // due connectTimeout after the connect's creation, so the time the loop took to get here counts too
        deadline.arm(loop, time.leftNanos(), this::totalTimeout);
        if (hasEnded()) {
            deadline.cancel();
            return;
        }
        nextHost();
    }

    private synchronized void nextHost() {
        if (hasEnded()) {
            return;
        }
        if (passes.passOver()) {
            ConnectionControl candidate = held.takeCandidate();
            if (candidate != null) {
                // prefer-standby: no standby answered; the first acceptable server from pass 1 is what pass 2 would pick
                typeOids.discover(candidate, config).whenComplete((connection, error) -> {
                    if (error != null) {
                        candidate.close();
                        end(null, HostConnector.asPgException(error, candidate.host()));
                    } else {
                        end(connection, null);
                    }
                });
                return;
            }
            if (!passes.nextPass()) {
                end(null, allFailed());
                return;
            }
        }
        HostSpec host = passes.next();
        currentHost = host;
        // a name's addresses arrive on a look-up thread: the walk goes on on its own loop
        CompletableFuture<List<SocketAddress>> lookup;
        try {
            lookup = endpoints.resolve(host, addressShuffle);
        } catch (RuntimeException | LinkageError thrown) {
            // a resolver that throws instead of failing its future fails this host's look-up at once, as a dial that throws
            // fails its attempt (REVIEW-25 R25-10): the walk goes on rather than waiting for connectTimeout
            lookup = CompletableFuture.failedFuture(thrown);
        }
        lookup.whenComplete((addresses, error) -> onLoop(host, () -> {
            if (error != null) {
                failed(null, host, null, HostConnector.asPgException(error, host.label()), Duration.ZERO, true);
                nextHost();
            } else {
                tryAddress(host, addresses, 0);
            }
        }));
    }

    /** Runs {@code step} on the walk's loop: now if already there, else queued; a loop that is shutting down ends the walk. */
    private void onLoop(HostSpec host, Runnable step) {
        if (loop.inEventLoop()) {
            step.run();
            return;
        }
        try {
            loop.execute(step);
        } catch (RejectedExecutionException e) {
            end(null, new PgFactoryClosedException(host.label(), "connect to " + host.label()
                    + " failed: the connection factory was closed", e));
        }
    }

    private void tryAddress(HostSpec host, List<SocketAddress> addresses, int position) {
        if (overallExpired()) {
            // between two attempts: no host was cut short; found this late after the due time (a busy loop shows)
            deadlinePassed(-time.leftNanos(), false);
            return;
        }
        if (position >= addresses.size()) {
            nextHost();
            return;
        }
        SocketAddress address = addresses.get(position);
        Duration budget = time.hostBudget();
        AttemptScope scope = new AttemptScope(loop);
        result.attemptIn(scope);
        HostAttempt attempt = new HostAttempt(this, host, addresses, position, scope, budget);
        if (!walkEnd.start(attempt, passes.pass(), config.sslMode().startsWithTls())) {
            return; // the caller cancelled meanwhile: ConnectEnded was the last event, no attempt follows it
        }
        if (scope.isAborted()) {
            return; // cancelled from the tracer's callback: the attempt is traced as abandoned, nothing to dial
        }
        connect(host, address, budget, scope).whenComplete(attempt);
    }

    /**
     * The one outcome of a host attempt ({@link HostAttempt}): hands the session out, or records the
     * failure and moves on to the next address or host, or stops the walk.
     *
     * @param duringStartup whether the failure came from the dial, TLS or startup (not from the role or type OID steps)
     */
    void attemptEnded(HostAttempt attempt, ConnectionControl connection, Throwable error, boolean duringStartup) {
        HostSpec host = attempt.host();
        Duration elapsed = attempt.elapsed();
        if (error == null) {
            if (!walkEnd.settle(attempt, () -> trace.hostAttemptConnected(host, attempt.address(), connection, elapsed))) {
                connection.close(); // the walk ended first: the attempt was traced as abandoned
                return;
            }
            memory.connected(host.label(), connection.role());
            end(connection, null);
            return;
        }
        PgException failure = HostConnector.asPgException(error, host.label());
        if (failure instanceof PgTimeoutException && overallExpired()) {
            // a timer of the attempt's own (the dial's CONNECT_TIMEOUT_MILLIS, whole milliseconds of what was left of
            // connectTimeout) fired just before the walk's: the whole deadline cut the host short, it was not found down
            totalTimeout(0);
            return;
        }
        if (!failed(attempt, host, attempt.address(), failure, elapsed, duringStartup)) {
            // connectTimeout passed, the caller cancelled or the factory closed: what the aborted attempt met says nothing of the host
            return;
        }
        if (WalkStopRule.stopsTheWalk(failure, duringStartup)) {
            end(null, allFailed());
        } else if (WalkStopRule.endsTheHost(failure, duringStartup)) {
            tryAddress(host, attempt.addresses(), attempt.addresses().size()); // the server answered: libpq's next host
        } else {
            tryAddress(host, attempt.addresses(), attempt.position() + 1);
        }
    }

    /**
     * The session's answer to this connect's {@code target_session_attrs}: null when the role is wanted;
     * else the mismatch, and the session is held — prefer-standby's pass-1 candidate, or closed when the
     * walk ends ({@link HeldSessions}).
     */
    PgRoleMismatchException holdIfNotWanted(ConnectionControl connection, ServerRole role) {
        if (target.accepts(role, passes.pass() > 1)) {
            return null;
        }
        if (passes.pass() == 1 && target == TargetSessionAttrs.PREFER_STANDBY && target.accepts(role, true)) {
            held.offerCandidate(connection);
        } else {
            held.closeAtEnd(connection); // Terminate when the walk ends, see HeldSessions
        }
        return new PgRoleMismatchException(connection.hostSpec(), connection.remoteAddress(), role, target, config.hostResolver());
    }

    TargetSessionAttrs target() {
        return target;
    }

    ConnConfig config() {
        return config;
    }

    TypeOidDiscovery typeOids() {
        return typeOids;
    }

    /**
     * The attempt's session, or its failure — also when the layer below throws instead of returning (a
     * bug, a class that would not load): unwound, the throwable would end in the callback that ran this
     * step, whose CompletableFuture keeps it to itself, and the caller would wait for connectTimeout
     * with nothing logged. A {@link VirtualMachineError} is let through ({@link FatalErrors}), as in
     * {@link HostAttempt}'s steps.
     */
    private CompletableFuture<ConnectionControl> connect(HostSpec host, SocketAddress address, Duration budget, AttemptScope scope) {
        try {
            return endpoints.connect(config, host, address, budget, scope);
        } catch (RuntimeException | Error e) {
            FatalErrors.throwIfFatal(e); // not this host's failure: it goes up the loop; the attempt ends by its budget
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean hasEnded() {
        return walkEnd.hasEnded();
    }

    /**
     * Traces and counts an attempt's failure, and tells the host memory ({@link WalkMemory}); false when the walk had
     * ended already (connectTimeout passed, the caller cancelled, the factory closed): what the aborted attempt met says
     * nothing of the host.
     */
    private boolean failed(HostAttempt attempt, HostSpec host, SocketAddress address, PgException error, Duration elapsed,
                           boolean duringStartup) {
        if (!walkEnd.settle(attempt, () -> trace.hostAttemptFailed(host, address, error, elapsed))) {
            return false; // e.g. the look-up that a closing factory failed: the host did nothing wrong
        }
        failures.add(host.label(), error);
        memory.failed(attempt, host.label(), error, duringStartup);
        return true;
    }

    /** Whether connectTimeout has run out ({@link WalkTime#expired}). */
    boolean overallExpired() {
        return time.expired();
    }

    /**
     * connectTimeout ran out while the current host was looked up or tried: the walk fails, the attempt is aborted,
     * the host is remembered as cut short (slow or silent, not down: docs/lifecycle.md §2.4).
     *
     * @param lateNanos how long after its due time the timer that called ran
     */
    void totalTimeout(long lateNanos) {
        deadlinePassed(lateNanos, true);
    }

    private void deadlinePassed(long lateNanos, boolean hostCutShort) {
        AttemptScope scope = result.currentScope();
        HostSpec inFlight = currentHost;
        String label = inFlight == null ? null : inFlight.label();
        PgTimeoutException timeout = deadline.passed(label, scope == null || label == null ? "" : scope.stillWaiting(), lateNanos,
                failures.triedSoFar());
        if (hostCutShort && label != null && !hasEnded()) {
            memory.cutShort(label); // before the caller's future completes: its next connect sees it
        }
        if (end(null, timeout) && scope != null) {
            scope.abort();
        }
    }

    private PgException allFailed() {
        return failures.aggregate(passes.hosts().size(), target);
    }
}
