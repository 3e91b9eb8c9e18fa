package io.pgconn;

import io.netty.channel.EventLoopGroup;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.connect.ConnectResources;
import io.pgconn.failover.HostStatus;
import io.pgconn.failover.HostStatusRegistry;
import io.pgconn.failover.MultiHostConnector;
import io.pgconn.failover.ServerRole;
import io.pgconn.failover.TypeOidCache;
import io.pgconn.session.DefaultPgConnection;
import io.pgconn.tls.SslContextFactory;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.SafeTracer;
import io.pgconn.transport.Transport;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens connections for one configuration and owns what they share: the Netty event loops (or
 * uses the group it was given), TLS contexts, the SCRAM salted-password cache, and the memory of
 * which host was up and in which role (lifecycle spec §2.4). Tracks every connection it handed out
 * that is still open, and closes them all on {@link #close()}.
 */
public final class PgConnectionFactory implements AutoCloseable {

    private final ConnConfig config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ConnectResources resources;
    private final MultiHostConnector connector;
    private final PgTracer tracer;
    private final TrustManagerFactory trustManagerFactory;
    private final KeyManagerFactory keyManagerFactory;
    private final Set<DefaultPgConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CompletableFuture<Void> closeFuture;

    private PgConnectionFactory(Builder builder) {
        this.config = builder.config;
        this.ownsGroup = builder.group == null;
        Transport transport = builder.group != null ? Transport.of(builder.group)
                : builder.transport != null ? builder.transport : Transport.best();
        this.group = ownsGroup ? transport.newEventLoopGroup(builder.threads) : builder.group;
        this.tracer = builder.tracer;
        this.trustManagerFactory = builder.trustManagerFactory;
        this.keyManagerFactory = builder.keyManagerFactory;
        this.resources = new ConnectResources(group, transport, tracer,
                new SslContextFactory(builder.trustManagerFactory, builder.keyManagerFactory));
        this.connector = new MultiHostConnector(resources, new HostStatusRegistry(builder.clock), new TypeOidCache(builder.clock),
                new SecureRandom());
    }

    /** A factory with its own event loops and no tracer. */
    public static PgConnectionFactory create(ConnConfig config) {
        return builder(config).build();
    }

    public static Builder builder(ConnConfig config) {
        return new Builder(config);
    }

    /** The process-wide factory behind {@link PgConnection#connect(String)}: daemon threads, never closed. */
    static PgConnectionFactory defaultFactory() {
        return DefaultHolder.INSTANCE;
    }

    public ConnConfig config() {
        return config;
    }

    /** Connects with this factory's configuration. */
    public CompletableFuture<PgConnection> connect() {
        return connect(config);
    }

    /** Connects with another configuration, sharing this factory's resources and host memory. */
    public CompletableFuture<PgConnection> connect(ConnConfig connConfig) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new PgClosedException(null, "connection factory is closed"));
        }
        return connector.connect(connConfig).thenApply(this::track);
    }

    private PgConnection track(DefaultPgConnection connection) {
        open.add(connection);
        connection.onClosed(() -> {
            open.remove(connection);
            SafeTracer.run(tracer, t -> t.connectionClosed(new PgTracer.ConnectionClosed(connection.host(), connection.processId(),
                    connection.closeCause())));
        });
        if (closed.get()) {
            connection.close("closed: the connection factory was closed");
            throw new PgClosedException(connection.host(), "connection factory was closed while connecting");
        }
        return connection;
    }

    /** What the factory remembers about each configured host, in configuration order. */
    public List<HostStatus> hostStatuses() {
        return connector.registry().statuses(config.hosts().stream().map(HostSpec::label).toList());
    }

    /**
     * Tells this factory's host memory what a watcher outside it (e.g. a health monitor's probe)
     * just saw: {@code host} answered in {@code role}. The next {@code connect()} orders hosts by it
     * as if one of its own attempts had found it so.
     */
    public void reportHostUp(HostSpec host, ServerRole role) {
        connector.registry().recordUp(host.label(), Objects.requireNonNull(role, "role"));
    }

    /**
     * Tells this factory's host memory that {@code host} just failed a watcher's probe: the next
     * {@code connect()} tries it last, for {@code hostRecheckInterval}. {@code reason} must hold no secret.
     */
    public void reportHostDown(HostSpec host, String reason) {
        connector.registry().recordDown(host.label(), Objects.requireNonNull(reason, "reason"));
    }

    /**
     * A builder for another factory with {@code config} and this factory's in-memory TLS material,
     * but its own event loops, tracer and host memory: for a helper (such as a health monitor) that
     * must reach the same servers without showing up in this factory's traces or connection count.
     */
    public Builder builderWithSameTls(ConnConfig config) {
        Builder builder = builder(config);
        builder.trustManagerFactory = trustManagerFactory;
        builder.keyManagerFactory = keyManagerFactory;
        return builder;
    }

    /**
     * Forgets the extension type OIDs this factory learned (it keeps them for
     * {@code hostRecheckInterval}, like the rest of its host memory): call it after
     * {@code CREATE} or {@code DROP EXTENSION} so that the next connect asks the server again.
     */
    public void forgetTypeOids() {
        connector.typeOidCache().forget();
    }

    /** Connections handed out and still open. */
    public int openConnections() {
        return open.size();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes every open connection (Terminate sent; work in flight fails with "factory closed"),
     * then stops the event loops it owns, all within {@code timeout}. Idempotent.
     */
    public CompletableFuture<Void> closeAsync(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<DefaultPgConnection> toClose = List.copyOf(open);
        CompletableFuture<Void> connectionsClosed = CompletableFuture.allOf(toClose.stream()
                .map(c -> c.close("closed: the connection factory was closed")).toArray(CompletableFuture[]::new));
        closeFuture = connectionsClosed
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
                });
        return closeFuture;
    }

    /** {@link #closeAsync(Duration)} with 10 s, waiting for it. */
    @Override
    public void close() {
        closeAsync(Duration.ofSeconds(10)).join();
    }

    @Override
    public String toString() {
        return "PgConnectionFactory[" + config + ", open=" + open.size() + (closed.get() ? ", closed" : "") + "]";
    }

    /** Options of a factory. */
    public static final class Builder {
        private final ConnConfig config;
        private EventLoopGroup group;
        private Transport transport;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private PgTracer tracer = PgTracer.noop();
        private Clock clock = Clock.systemUTC();
        private TrustManagerFactory trustManagerFactory;
        private KeyManagerFactory keyManagerFactory;

        private Builder(ConnConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Uses an event loop group the caller owns (and shuts down); the factory then does not stop it. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /**
         * The transport of the group the factory creates (default: {@link Transport#best()}: epoll,
         * else io_uring, else NIO); fails here when it is not available on this machine.
         */
        public Builder transport(Transport transport) {
            if (!transport.isAvailable()) {
                throw new IllegalArgumentException("transport " + transport.name().toLowerCase() + " is not available here");
            }
            this.transport = transport;
            return this;
        }

        /** Event loop threads when the factory owns its group. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder tracer(PgTracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /** The clock of the host status memory and the type OID cache (tests). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Trusted roots held in memory (e.g. a Spring Boot SSL bundle's), used instead of {@code sslrootcert}:
         * {@code sslmode} still decides whether the chain is verified ({@code require} then verifies it,
         * as with a root certificate file) and {@code verify-full} still checks the host name.
         */
        public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
            this.trustManagerFactory = trustManagerFactory;
            return this;
        }

        /** Client certificate and key held in memory, used instead of {@code sslcert} / {@code sslkey}. */
        public Builder keyManagerFactory(KeyManagerFactory keyManagerFactory) {
            this.keyManagerFactory = keyManagerFactory;
            return this;
        }

        public PgConnectionFactory build() {
            return new PgConnectionFactory(this);
        }
    }

    private static final class DefaultHolder {
        static final PgConnectionFactory INSTANCE = builder(ConnConfig.builder().build()).build();
    }
}
