package io.pgconn.internal;

import io.pgconn.FutureFailures;
import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.pgconn.HostStatus;
import io.pgconn.HostUpRegistration;
import io.pgconn.PgClosedException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.config.HostSpec;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.internal.connect.ConnectResources;
import io.pgconn.internal.connect.HostConnector;
import io.pgconn.internal.failover.HostStatusRegistry;
import io.pgconn.internal.failover.MultiHostConnector;
import io.pgconn.internal.failover.RoleCheck;
import io.pgconn.internal.failover.TypeOidCache;
import io.pgconn.internal.failover.WatcherLookup;
import io.pgconn.internal.failover.WatcherObservations;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.internal.tls.SslContextFactory;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.session.OpenConnections;
import io.pgconn.spi.HostObservations;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.SafeTracer;

import java.lang.invoke.MethodHandles;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@link PgConnectionFactory} behind {@link PgConnectionFactory.Builder#build()} (reached
 * through {@code io.pgconn.Implementation}, so the API package imports no internal one). Opens
 * connections for one configuration and owns what they share: the Netty event loops (or
 * uses the group it was given), TLS contexts, the SCRAM salted-password cache, and the memory of
 * which host was up and in which role (docs/lifecycle.md §2.4). Tracks every connection it handed out
 * that is still open, and closes them all on {@link #close()}.
 */
public final class DefaultPgConnectionFactory implements PgConnectionFactory {

    private final ConnConfig config;
    /** The builder's name, or null: in the event loop threads' names and the tracer's FactoryClosed. */
    private final String name;
    /** The configured hosts' labels, in configuration order: the config is immutable. */
    private final List<String> hostLabels;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ConnectResources resources;
    private final MultiHostConnector connector;
    /** What a watcher outside tells the host memory: {@link #hostObservations(MethodHandles.Lookup)}. */
    private final HostObservations observations;
    private final PgTracer tracer;
    private final TrustManagerFactory trustManagerFactory;
    private final String trustSource;
    private final KeyManagerFactory keyManagerFactory;
    private final CodecRegistry codecs;
    private final OpenConnections open = new OpenConnections();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Connect walks not finished yet: closeAsync ends them, so they fail as "the connection factory was closed". */
    private final Set<CompletableFuture<ConnectionControl>> connecting = ConcurrentHashMap.newKeySet();
    /** The one future of closeAsync, made before any caller can see {@link #closed}: a second caller never gets null. */
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    /** Completed just before {@link #closeFuture}: what {@link #whenClosed()} hands out runs before a close's caller wakes. */
    private final CompletableFuture<Void> closeEnded = new CompletableFuture<>();

    private DefaultPgConnectionFactory(ConnConfig config, String name, EventLoopGroup userGroup, Transport chosen, int threads,
                                       boolean callerRun, PgTracer tracer,
                                       Clock clock, TrustManagerFactory trust, String trustSource, KeyManagerFactory keys,
                                       CodecRegistry codecs) {
        this.config = Objects.requireNonNull(config, "config");
        this.name = name;
        this.hostLabels = config.hosts().stream().map(HostSpec::label).toList();
        this.ownsGroup = userGroup == null;
        Transport transport = userGroup != null ? Transport.of(userGroup)
                : chosen != null ? chosen : Transport.best();
        this.group = !ownsGroup ? userGroup : callerRun ? transport.newCallerRunEventLoopGroup(name, threads)
                : transport.newEventLoopGroup(name, threads, Duration.ZERO);
        if (ownsGroup) {
            TransportReport.madeLoops(name, transport, threads, callerRun, chosen != null);
        }
        this.tracer = tracer;
        this.trustManagerFactory = trust;
        this.trustSource = trustSource;
        this.keyManagerFactory = keys;
        this.codecs = codecs;
        this.resources = new ConnectResources(group, transport, tracer, new SslContextFactory(trust, keys, trustSource), codecs);
        this.connector = new MultiHostConnector(resources, new HostStatusRegistry(clock, this::openSessionsTo), new TypeOidCache(clock),
                HostShuffle.RANDOM);
        this.observations = new WatcherObservations(connector.registry(), open);
    }

    /**
     * The secure random source of {@code load_balance_hosts=random}'s shuffles, one per JVM (made with the first
     * factory; thread-safe): its draws are no secret between factories, and building one per factory cost a provider
     * look-up and a read of the system's entropy for each short-lived tool's factory made for one connect.
     */
    private static final class HostShuffle {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /**
     * The builder's options, one by one ({@code userGroup} and {@code transport} may be null); the
     * signature {@code io.pgconn.Implementation} looks up.
     */
    public static PgConnectionFactory create(ConnConfig config, String name, EventLoopGroup userGroup, Transport transport,
                                             int threads, boolean callerRun, PgTracer tracer, Clock clock, TrustManagerFactory trust,
                                             String trustSource, KeyManagerFactory keys, CodecRegistry codecs) {
        return new DefaultPgConnectionFactory(config, name, userGroup, transport, threads, callerRun, tracer, clock, trust, trustSource, keys,
                codecs);
    }

    @Override
    public HostObservations hostObservations(MethodHandles.Lookup watcher) {
        WatcherLookup.check(watcher);
        return observations;
    }

    @Override
    public HostUpRegistration onHostUp(Consumer<HostStatus> listener) {
        return connector.registry().onUp(listener);
    }

    @Override
    public PgConnectionFactory.Builder builderWithSameTls(ConnConfig connConfig) {
        return PgConnectionFactory.builder(connConfig).trustManagerFactory(trustManagerFactory, trustSource)
                .keyManagerFactory(keyManagerFactory);
    }

    @Override
    public ConnConfig config() {
        return config;
    }

    /** Connects with this factory's configuration. */
    @Override
    public CompletableFuture<PgConnection> connect() {
        return connect(config);
    }

    /** Connects with another configuration, sharing this factory's resources and host memory. */
    @Override
    public CompletableFuture<PgConnection> connect(ConnConfig connConfig) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new PgFactoryClosedException(null, "connection factory is closed"));
        }
        CompletableFuture<ConnectionControl> walk = connector.connect(connConfig);
        connecting.add(walk);
        CompletableFuture<PgConnection> result = new ConnectFuture(walk);
        walk.whenComplete((control, error) -> {
            connecting.remove(walk);
            if (error != null) {
                // whatever a walk cut off by closeAsync met (a cancelled attempt, a stopping event loop),
                // its caller learns the reason the README promises
                result.completeExceptionally(closed.get() ? cutOff(error) : FutureFailures.unwrap(error));
                return;
            }
            try {
                if (!result.complete(track(control))) {
                    control.close("closed: the caller cancelled the connect");
                }
            } catch (PgClosedException e) {
                result.completeExceptionally(e);
            }
        });
        if (closed.get()) {
            walk.cancel(false); // closeAsync began between the check above and the registration
        }
        return result;
    }

    /**
     * The caller's future of one connect: cancelling it cancels the walk, which aborts the attempt in flight
     * (ConnectWalk). A subclass rather than a dependent stage: one stage less on every connect. A blocking wait
     * for it on an event loop thread is refused while it is not complete ({@link SpinThenParkFuture}; elsewhere it
     * yields the CPU for a moment before it parks, so the loop just woken to dial can run on the caller's CPU at once,
     * {@link SpinThenParkFuture#yieldingFirst()}): a connect runs on its caller's loop when that is one of the factory's (ConnectLoops), and a
     * {@code join()} there would wait for ever — its connectTimeout timer too — freezing every connection on
     * the loop (REVIEW-11).
     */
    private static final class ConnectFuture extends SpinThenParkFuture<PgConnection> {
        private final CompletableFuture<ConnectionControl> walk;

        ConnectFuture(CompletableFuture<ConnectionControl> walk) {
            super(HAND_OFF_YIELD_NANOS, YIELD);
            this.walk = walk;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                walk.cancel(false);
            }
            return cancelled;
        }
    }

    private static PgFactoryClosedException cutOff(Throwable error) {
        Throwable cause = FutureFailures.unwrap(error);
        if (cause instanceof PgFactoryClosedException closedAlready) {
            return closedAlready;
        }
        return new PgFactoryClosedException(null, "connect failed: the connection factory was closed", cause);
    }

    private PgConnection track(ConnectionControl connection) {
        open.add(connection);
        reportRoleChanges(connection);
        connection.onClosed(() -> {
            open.remove(connection);
            SafeTracer.run(tracer, t -> t.connectionClosed(new PgTracer.ConnectionClosed(connection.host(), connection.processId(),
                    connection.closeCause(), connection.hostSpec(), connection.remoteAddress())));
        });
        if (closed.get()) {
            connection.close("closed: the connection factory was closed");
            throw new PgFactoryClosedException(connection.host(), "connect to " + connection.host() + " failed: the connection factory was closed");
        }
        return connection.connection();
    }

    /**
     * From now on, when the session hears its server change role (a promotion, {@code default_transaction_read_only}
     * reloaded; behind a proxy that forwards only {@code in_hot_standby}, a promotion or demotion), the host memory learns it at once: r2dbc-pool's eviction then drops every other idle session to that
     * server, which would each have been lent once more and failed (NEW-USER-12 M1; docs/r2dbc.md §4).
     */
    private void reportRoleChanges(ConnectionControl connection) {
        HostSpec host = connection.hostSpec();
        if (host == null) {
            return;
        }
        String label = host.label();
        HostStatusRegistry registry = connector.registry();
        connection.reportRoleChanges(parameters -> {
            // read as a connect for target_session_attrs=primary reads it: in_hot_standby alone tells standby or
            // primary (a proxy that forwards only it), both values tell a read-only primary too (REVIEW-31 R31-10)
            ServerRole role = RoleCheck.fromParameters(parameters, TargetSessionAttrs.PRIMARY);
            if (role != ServerRole.UNKNOWN) {
                registry.recordRoleHeard(label, role);
            }
        });
    }

    /** What the factory remembers about each configured host, in configuration order. */
    @Override
    public List<HostStatus> hostStatuses() {
        return connector.registry().statuses(hostLabels);
    }

    /** One map lookup, no allocation for a remembered host: r2dbc-pool asks on every acquire. */
    @Override
    public HostStatus hostStatus(String hostLabel) {
        return connector.registry().status(hostLabel);
    }

    /** One map lookup or two (host memory's status of the sticky host): a pool asks on every acquire. */
    @Override
    public Optional<String> stickyPrimary() {
        if (config.loadBalanceHosts() == LoadBalanceHosts.RANDOM || config.hostRecheckInterval().isZero()) {
            return Optional.empty(); // no preferred host (HostOrder)
        }
        return Optional.ofNullable(connector.registry().stickyHost(config.targetSessionAttrs()));
    }

    /**
     * Forgets the extension type OIDs this factory learned (it keeps them for
     * {@code hostRecheckInterval}, like the rest of its host memory): call it after
     * {@code CREATE} or {@code DROP EXTENSION} so that the next connect asks the server again.
     */
    @Override
    public void forgetTypeOids() {
        connector.typeOidCache().forget();
    }

    /** Connections handed out and still open to the host labelled {@code hostLabel} (a scan: asked after a connect timed out). */
    private int openSessionsTo(String hostLabel) {
        return open.to(hostLabel).size();
    }

    /** Connections handed out and still open. */
    @Override
    public int openConnections() {
        return open.size();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes every open connection (Terminate sent; work in flight fails with "factory closed"),
     * then stops the event loops it owns, all within {@code timeout}. Idempotent.
     */
    @Override
    public CompletableFuture<Void> closeAsync(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // connects in flight end now, not when the stopping event loops refuse their next step
        List.copyOf(connecting).forEach(walk -> walk.cancel(false));
        List<ConnectionControl> toClose = open.snapshot();
        CompletableFuture<Void> connectionsClosed = CompletableFuture.allOf(toClose.stream()
                .map(c -> c.close("closed: the connection factory was closed")).toArray(CompletableFuture[]::new));
        connectionsClosed
                .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(ignored -> {
                    // a server that did not answer Terminate in time loses its socket now
                    toClose.forEach(c -> c.channel().close());
                    resources.close();
                    if (!ownsGroup) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    long left = Math.max(0, deadline - System.nanoTime());
                    CompletableFuture<Void> stopped = new CompletableFuture<>();
                    group.shutdownGracefully(0, left, TimeUnit.NANOSECONDS).addListener(f -> stopped.complete(null));
                    // the group gets what is left of the one deadline, not a fresh one
                    return stopped.completeOnTimeout(null, left, TimeUnit.NANOSECONDS);
                })
                .whenComplete((ok, error) -> {
                    // what is kept per factory outside it (meters, a health entry) goes before the closer wakes
                    SafeTracer.run(tracer, t -> t.factoryClosed(new PgTracer.FactoryClosed(name)));
                    closeEnded.complete(null);
                    if (error != null) {
                        closeFuture.completeExceptionally(error);
                    } else {
                        closeFuture.complete(null);
                    }
                });
        return closeFuture;
    }

    /** {@link #closeAsync(Duration)} with 10 s, waiting for it. */
    @Override
    public void close() {
        closeAsync(Duration.ofSeconds(10)).join();
    }

    @Override
    public CompletableFuture<Void> whenClosed() {
        return closeEnded.copy();
    }

    /**
     * The hosts, user and database: nothing that changes while the factory lives, since others keep the text —
     * r2dbc-pool builds its acquire timeout's message from its factory's once, at the pool's construction, so an open
     * count there read "open=0" during an incident with every session in use, and the whole configuration came with it
     * (new user 19's F4). The open connections are the starter's {@code pg.conn.connections.active} gauge.
     */
    @Override
    public String toString() {
        return "PgConnectionFactory[hosts=" + config.hosts().stream().map(HostSpec::toString).collect(Collectors.joining(","))
                + ", user=" + config.user() + ", database=" + config.database() + "]";
    }
}
