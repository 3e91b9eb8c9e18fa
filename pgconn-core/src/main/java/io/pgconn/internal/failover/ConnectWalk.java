package io.pgconn.internal.failover;

import io.pgconn.config.TargetSessionAttrs;
import io.netty.channel.EventLoop;
import io.pgconn.FatalErrors;
import io.pgconn.PgClosedException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgErrors;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One multi-host connect: passes over hosts ({@link HostPasses}), addresses of each host, one attempt at a time.
 * Moves on after refusal, DNS failure, timeout, 57P03, 53300 (a deliberate difference from libpq),
 * role mismatch or a closed socket; stops, as libpq does, at an authentication or configuration
 * failure, a TLS failure the sslmode allows no fallback from, and any other startup ErrorResponse
 * such as 3D000 — {@link WalkStopRule} is the one place that decides. The whole walk is bounded by {@code connectTimeout}
 * ({@link WalkDeadline});
 * anything that completes after the caller's future is done is closed, never leaked.
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
    private final HostStatusRegistry registry;
    private final TypeOidDiscovery typeOids;
    private final HostPasses passes;
    private final RandomGenerator addressShuffle;
    private final TargetSessionAttrs target;
    /** The caller's future, completed by {@link #end} (or cancelled by the caller) after the walk's bookkeeping. */
    private final WalkFuture result = new WalkFuture();
    private final WalkEnd walkEnd;
    /** What the owner does when the walk ends: the session handed out, or null. */
    private Consumer<ConnectionControl> onEnd = connection -> { };
    private final WalkFailures failures = new WalkFailures();
    private final WalkTime time;
    // one loop per connect: timers and channels on the same thread, no cross-thread wake-ups
    private final EventLoop loop;
    private volatile AttemptScope currentScope;
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
        this.registry = registry;
        this.typeOids = typeOids;
        this.passes = new HostPasses(hosts, config.targetSessionAttrs().passes());
        this.deadline = new WalkDeadline(config.connectTimeout());
        this.addressShuffle = addressShuffle;
        this.target = config.targetSessionAttrs();
        this.loop = loop;
    }

    CompletableFuture<ConnectionControl> start() {
        return start(onEnd);
    }

    /**
     * Starts the walk; {@code onEnd} runs once when it ends, before the returned future completes, with the
     * session handed out or null (failed or cancelled).
     */
    CompletableFuture<ConnectionControl> start(Consumer<ConnectionControl> onEnd) {
        this.onEnd = onEnd;
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

    /**
     * Ends the walk once: the bookkeeping and {@code connectEnded} first (so a tracer has the whole story
     * when the caller looks), then the caller's future. A session that comes after the end (the caller
     * cancelled, the deadline passed) is closed.
     *
     * @return whether this call ended the walk
     */
    private boolean end(ConnectionControl connection, Throwable error) {
        if (!walkEnd.end(error)) {
            if (connection != null) {
                connection.close();
            }
            return false;
        }
        finished(connection, error);
        if (error != null) {
            result.completeExceptionally(error);
        } else if (!result.complete(connection)) {
            connection.close(); // the caller completed the future itself
        }
        return true;
    }

    /**
     * The future handed to the caller: a caller that cancels it ends the walk and aborts the attempt in
     * flight. A subclass, not a dependent stage, so that a connect completes one future, not three.
     */
    private final class WalkFuture extends CompletableFuture<ConnectionControl> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            CancellationException cancelled = new CancellationException("the caller cancelled the connect");
            if (!walkEnd.end(cancelled)) {
                return false;
            }
            finished(null, cancelled);
            boolean done = super.cancel(mayInterruptIfRunning);
            AttemptScope scope = currentScope;
            if (scope != null) {
                scope.abort();
            }
            return done;
        }
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
        endpoints.resolve(host, addressShuffle).whenComplete((addresses, error) -> onLoop(host, () -> {
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
        currentScope = scope;
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
            registry.recordConnected(host.label(), connection.role(), target);
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
        if (failure instanceof PgRoleMismatchException mismatch) {
            registry.recordUp(host.label(), mismatch.role());
        }
        if (WalkStopRule.stopsTheWalk(failure, duringStartup)) {
            end(null, allFailed());
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
        return new PgRoleMismatchException(connection.host(), role, target);
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
     * Only a host that could not take the session is remembered as down — or full, when it refused the session
     * for want of a free slot (53300), or answered the login and then not the connect's query within the host's
     * budget while this factory holds open sessions to it: up, its open sessions fine (docs/lifecycle.md §2.4). A failure
     * that ends the walk — a refused password, a bad setting, a TLS verification failure, an ErrorResponse
     * such as 3D000 — is about this configuration, not about the host, and must not move the host to the
     * end of the next connects' order (libpq has no memory: it starts with the first host again).
     */
    private boolean failed(HostAttempt attempt, HostSpec host, SocketAddress address, PgException error, Duration elapsed,
                           boolean duringStartup) {
        if (!walkEnd.settle(attempt, () -> trace.hostAttemptFailed(host, address, error, elapsed))) {
            return false; // e.g. the look-up that a closing factory failed: the host did nothing wrong
        }
        failures.add(host.label(), error);
        if (error instanceof PgRoleMismatchException || WalkStopRule.stopsTheWalk(error, duringStartup)) {
            return true;
        }
        if (error.sqlState().filter(PgErrors::isNoFreeSlot).isPresent()) {
            registry.recordFull(host.label(), error.getMessage()); // up, no free slot: its open sessions are fine
        } else if (attempt != null && attempt.timedOutLoggedIn()) {
            recordTimedOutLoggedIn(host.label(), error);
        } else {
            registry.recordDown(host.label(), error.getMessage());
        }
        return true;
    }

    /**
     * The host answered the login, then the connect's role probe or type OID query got no answer within its budget:
     * while sessions of this factory to it are open, remembered full, not down — a pooler's queue (PgBouncer in
     * session mode with every server session in use answers the login from its cached parameters and queues the
     * first query) or a server too busy to answer, not a dead or frozen one (that answers no login); its open
     * sessions are what still works, and a pool evicts on down (NEW-USER-21 F2). With none open, down.
     */
    private void recordTimedOutLoggedIn(String label, PgException error) {
        int open = registry.openSessions(label);
        if (open == 0) {
            registry.recordDown(label, error.getMessage());
            return;
        }
        registry.recordFull(label, error.getMessage() + "; it answered the login, and " + open + (open == 1 ? " session" : " sessions")
                + " of this factory to it " + (open == 1 ? "is" : "are") + " open: remembered full, not down (a pooler's queue,"
                + " e.g. PgBouncer in session mode with every server session in use, or a server too busy to answer a query)");
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
        AttemptScope scope = currentScope;
        HostSpec inFlight = currentHost;
        String label = inFlight == null ? null : inFlight.label();
        PgTimeoutException timeout = deadline.passed(label, lateNanos, failures.triedSoFar());
        if (hostCutShort && label != null && !hasEnded()) {
            registry.recordCutOff(label); // before the caller's future completes: its next connect sees it
        }
        if (end(null, timeout) && scope != null) {
            scope.abort();
        }
    }

    private PgException allFailed() {
        return failures.aggregate(passes.hosts().size(), target);
    }

    private void finished(ConnectionControl connection, Throwable error) {
        deadline.cancel();
        held.release(connection);
        onEnd.accept(connection);
        if (connection != null) {
            trace.statementsOf(connection, config.database());
        }
        trace.connectEnded(connection, error, time.elapsed());
    }
}
