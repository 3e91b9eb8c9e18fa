package io.pgconn;

import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.pgconn.config.ConnConfig;
import io.pgconn.spi.HostObservations;
import io.pgconn.trace.PgTracer;

import java.lang.invoke.MethodHandles;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens connections for one configuration and owns what they share: the Netty event loops (or
 * uses the group it was given), TLS contexts, the SCRAM salted-password cache, and the memory of
 * which host was up and in which role (docs/lifecycle.md §2.4). Tracks every connection it handed out
 * that is still open, and closes them all on {@link #close()}. Obtained from {@link #create} or
 * {@link #builder}; the implementation is not part of the API.
 */
public interface PgConnectionFactory extends AutoCloseable {

    /** A factory with its own event loops and no tracer. */
    static PgConnectionFactory create(ConnConfig config) {
        return builder(config).build();
    }

    static Builder builder(ConnConfig config) {
        return new Builder(config);
    }

    ConnConfig config();

    /** Connects with this factory's configuration. */
    CompletableFuture<PgConnection> connect();

    /** Connects with another configuration, sharing this factory's resources and host memory. */
    CompletableFuture<PgConnection> connect(ConnConfig connConfig);

    /** What the factory remembers about each configured host, in configuration order. */
    List<HostStatus> hostStatuses();

    /**
     * What the factory remembers about one host, by its {@link io.pgconn.config.HostSpec#label() label}
     * ({@code host:port}); {@link HostStatus.State#UNKNOWN} when it remembers nothing. The cheap form of
     * {@link #hostStatuses()} for callers that ask on every use of a connection (a pool's validation).
     */
    default HostStatus hostStatus(String hostLabel) {
        for (HostStatus status : hostStatuses()) {
            if (status.host().equals(hostLabel)) {
                return status;
            }
        }
        return HostStatus.unknown(hostLabel);
    }

    /**
     * The host ({@link io.pgconn.config.HostSpec#label() label}) this factory's {@code read-write} and {@code primary}
     * connects go to first now — its sticky primary (docs/lifecycle.md §2.4): the host the last such connect reached,
     * while host memory holds it up in a role the target accepts. Empty for the other targets, with
     * {@code load_balance_hosts=random} or {@code hostRecheckInterval=0} (no host is preferred then), and while no such
     * host is known. A pool on this factory drops its unlent sessions to any other host (pgconn-r2dbc's eviction,
     * {@code other-primary}), so in a split brain — an old primary answering as one again beside the promoted standby —
     * its writes go to one primary, the one its new connects reach. This default knows none (a factory that wraps
     * another should ask it).
     */
    default Optional<String> stickyPrimary() {
        return Optional.empty();
    }

    /**
     * Where a host watcher outside this factory — a health monitor probing each configured host on sessions of its own,
     * as the Spring Boot starter's does — tells its host memory what it saw: a host up in a role, down, full, a primary's
     * WAL timeline (docs/lifecycle.md §2.4), and closes the connections to a host that stopped answering (§4). A
     * capability of the watcher's class, not of whoever holds the factory: an application that connects through the
     * factory has no business changing where every other caller's connects go, or closing their connections. So it is
     * handed only to the bearer of {@code watcher}, a lookup with full privilege access — {@code MethodHandles.lookup()}
     * made in the watcher's own class — on a class that implements {@link io.pgconn.spi.HostWatcher}. A factory that
     * wraps another (a decorator, a test double) passes {@code watcher} on to the wrapped one's; the same object on
     * every call.
     *
     * @throws IllegalCallerException when {@code watcher} is no such lookup, naming its class
     */
    HostObservations hostObservations(MethodHandles.Lookup watcher);

    /**
     * Calls {@code listener} each time this factory's host memory learns that a host is up — one of its
     * connects reached it (also one that refused the server's role), or a watcher told {@link HostObservations#up} so —
     * with what the memory now holds, until the returned registration is closed. For a client that waits to
     * re-connect (a {@link io.pgconn.notify.NotificationSubscriber} in its backoff) and should try at once.
     * Called on the thread that learned it, often an event loop: the listener must be quick and must not
     * block; what it throws, an {@link Error} too, is logged and does not fail that connect or report (a
     * {@link VirtualMachineError} goes to the thread's uncaught-exception handler, {@link io.pgconn.FatalErrors}).
     * A method of the factory, not of {@link #hostObservations(MethodHandles.Lookup)}: it only listens to the memory, as
     * {@link #hostStatuses()} reads it, and changes nothing for other callers; an application's own re-connect loop
     * uses it as the subscriber's does.
     */
    HostUpRegistration onHostUp(Consumer<HostStatus> listener);

    /**
     * A builder for another factory with {@code config} and this factory's in-memory TLS material
     * ({@link Builder#trustManagerFactory}, {@link Builder#keyManagerFactory}), but its own event
     * loops, tracer and host memory: for a helper (such as a health monitor) that must reach the
     * same servers without showing up in this factory's traces or connection count.
     */
    Builder builderWithSameTls(ConnConfig config);

    /**
     * Forgets the extension type OIDs this factory learned (it keeps them for
     * {@code hostRecheckInterval}, like the rest of its host memory): the next connect asks the server
     * again, and every open connection before its next statement outside a transaction. The factory
     * does this by itself when one of its connections runs a command that can create or drop a type
     * ({@code CREATE TYPE}, {@code CREATE EXTENSION}, {@code DROP DOMAIN} ..., at the end of its
     * transaction); call it after such DDL run elsewhere (another client, a migration tool on its own
     * JDBC connection, a function) or after {@code CREATE TABLE} of a table whose row type has a codec.
     */
    void forgetTypeOids();

    /** Connections handed out and still open. */
    int openConnections();

    boolean isClosed();

    /**
     * Closes every open connection (Terminate sent; work in flight fails with "factory closed"),
     * then stops the event loops it owns, all within {@code timeout}. Idempotent.
     */
    CompletableFuture<Void> closeAsync(Duration timeout);

    /** {@link #closeAsync(Duration)} with 10 s, waiting for it. */
    @Override
    void close();

    /**
     * A future that completes when this factory's close ({@link #closeAsync} or {@link #close}) has ended: its
     * connections closed, the event loops it owns stopped, its tracer told ({@code PgTracer.factoryClosed}). For
     * whoever keeps something per factory that must go with it (the Spring Boot starter's health entry and meters of a
     * factory made at runtime). What runs on it without an executor runs before {@code closeAsync}'s own future
     * completes, so it is done when a caller's {@code closeAsync(...).join()} returns. A new future per call: completing
     * or cancelling it does nothing to the factory. Never completes while the factory is open.
     *
     * <p>The default throws {@link UnsupportedOperationException}, as {@link java.util.Iterator#remove()} does, so that an
     * implementation of the caller's own (a test double, a decorator) compiles without it: no future this interface
     * could make would be right, since only the implementation knows when it closes — one that never completes would keep
     * a registered factory's health entry and meters for ever, a completed one would end the registration at once, and
     * either would say nothing. Refused loudly instead: the starter's {@code PgConnRuntimeFactories.register} calls it
     * first and refuses such a factory before registering anything. A decorator delegates it; pgconn's own factories
     * implement it.
     *
     * @throws UnsupportedOperationException when the implementation does not say when it closes
     */
    default CompletableFuture<Void> whenClosed() {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement PgConnectionFactory.whenClosed():"
                + " it cannot say when it closes (a decorator delegates it)");
    }

    /** Options of a factory. */
    final class Builder {
        /** The longest {@link #name(String)} kept. */
        public static final int MAX_NAME_LENGTH = FactoryName.MAX_LENGTH;

        private final ConnConfig config;
        private String name;
        private EventLoopGroup group;
        private Transport transport;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private boolean callerRun;
        private PgTracer tracer = PgTracer.noop();
        private Clock clock = Clock.systemUTC();
        private TrustManagerFactory trustManagerFactory;
        private String trustSource;
        private KeyManagerFactory keyManagerFactory;
        private CodecRegistry codecs = CodecRegistry.defaults();

        private Builder(ConnConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * A short name for the factory, e.g. a tenant's or bean's: in the names of the event loop threads it creates,
         * {@code pgconn-<name>-epoll-N-M} (without one: {@code pgconn-epoll-N-M}), and in its tracer's
         * {@code FactoryClosed} event. It shows in thread dumps, profilers and logs: never put a secret in it. Characters
         * other than letters, digits, {@code - _ .} become {@code _}, and it is cut at {@value #MAX_NAME_LENGTH}
         * characters; {@code null} or blank: no name.
         */
        public Builder name(String name) {
            this.name = FactoryName.of(name);
            return this;
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

        /**
         * Whether the group the factory creates (and shuts down) is one of caller-run event loops
         * ({@link Transport#newCallerRunEventLoopGroup(String, int)}, docs/query.md §1): a thread blocked on a statement's
         * future runs the connection's loop while it waits. Default false. Not with {@link #eventLoopGroup} (refused by
         * {@link #build()}): hand in such a group instead. Epoll or NIO only.
         */
        public Builder callerRunEventLoops(boolean callerRun) {
            this.callerRun = callerRun;
            return this;
        }

        /** Event loop threads when the factory owns its group (default: the machine's processors). */
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
         * they count as a root certificate file that exists, so every {@code sslmode} but {@code disable}
         * verifies the chain against them ({@code prefer} and {@code allow} fall back to plaintext when it
         * fails, as libpq does) and {@code verify-full} still checks the host name.
         * {@code null} (the default): {@code sslrootcert} decides. A chain they do not trust fails the handshake as
         * "server certificate chain not trusted by the TrustManagerFactory given to PgConnectionFactory.Builder
         * (sslrootcert is not read)"; {@link #trustManagerFactory(TrustManagerFactory, String)} names them.
         */
        public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
            return trustManagerFactory(trustManagerFactory, null);
        }

        /**
         * {@link #trustManagerFactory(TrustManagerFactory)}, named {@code source} in the error of a chain they do not
         * trust ("server certificate chain not trusted by {@code source}", e.g. {@code SSL bundle 'db'}); {@code null}
         * names them as the one-argument form does. No secret belongs in it.
         */
        public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory, String source) {
            this.trustManagerFactory = trustManagerFactory;
            this.trustSource = source;
            return this;
        }

        /**
         * Client certificate and key held in memory, used instead of {@code sslcert} / {@code sslkey}.
         * {@code null} (the default): the files decide.
         */
        public Builder keyManagerFactory(KeyManagerFactory keyManagerFactory) {
            this.keyManagerFactory = keyManagerFactory;
            return this;
        }

        /**
         * The codecs of this factory's connections (default: {@link CodecRegistry#defaults()}), e.g.
         * {@code CodecRegistry.builder().register(new MyCodec()).build()}. Each connection binds the
         * registry's named types to the OIDs it discovers; list their names in the
         * {@code extensionTypes} setting so that they are looked up at connect.
         */
        public Builder codecs(CodecRegistry codecs) {
            this.codecs = Objects.requireNonNull(codecs, "codecs");
            return this;
        }

        public PgConnectionFactory build() {
            if (callerRun && group != null) {
                throw new IllegalStateException("callerRunEventLoops(true) is for the group the factory creates; an event loop"
                        + " group was given (eventLoopGroup): give a Transport.newCallerRunEventLoopGroup(...) group instead");
            }
            return Implementation.newFactory(config, name, group, transport, threads, callerRun, tracer, clock, trustManagerFactory,
                    trustSource, keyManagerFactory, codecs);
        }
    }
}
