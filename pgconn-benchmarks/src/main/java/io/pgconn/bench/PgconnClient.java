package io.pgconn.bench;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.SslProviderKind;
import io.pgconn.Transport;

import io.pgconn.query.Row;
import io.pgconn.query.Segment;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * pgconn: {@code sslProvider} as given ({@code auto}, the default, is OpenSSL here: netty-tcnative is on
 * this module's classpath); one factory per target (its TLS context and salted-password cache are reused across
 * connects, as an application would), all on one event loop group; a fresh factory per connect for
 * the "first" failover case, so no host memory is carried over. {@code QUERY_PK} (one caller blocked on
 * each query) runs with pgconn's best setting for that shape, {@code blockingWaitSpin=100us}
 * ({@link #BLOCKED_CALLER_SPIN}; docs/query.md §1), on a factory of its own; every other scenario with the default (no spin).
 */
class PgconnClient implements Client {

    private final Endpoints endpoints;
    private final SslProviderKind provider;
    private final boolean typeDiscovery;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Map<Target, PgConnectionFactory> factories = new ConcurrentHashMap<>();
    /** pgconn's setting for one caller blocked on each query (QUERY_PK): spin this long before parking. */
    static final Duration BLOCKED_CALLER_SPIN = Duration.ofNanos(100_000);
    private final Duration blockedCallerSpin;
    private PgConnectionFactory blockedCallerFactory;
    private final Duration loopBusyPoll;
    private EventLoopGroup pollingGroup;
    /** The name in the tables when not derived from the settings: {@code pgconn-NAME} for a second build (WorkerMain). */
    private String label;

    PgconnClient(Endpoints endpoints, SslProviderKind provider) {
        this(endpoints, provider, true);
    }

    /** @param label the client's name in the tables (a second build of pgconn-core in the same run, {@code run.sh --pgconn-build}) */
    PgconnClient(Endpoints endpoints, SslProviderKind provider, String label) {
        this(endpoints, provider, true);
        this.label = label;
    }

    /** @param typeDiscovery false: {@code extensionTypes=} (empty), no type OID query at connect */
    PgconnClient(Endpoints endpoints, SslProviderKind provider, boolean typeDiscovery) {
        this(endpoints, provider, typeDiscovery, BLOCKED_CALLER_SPIN);
    }

    /** @param blockedCallerSpin {@code blockingWaitSpin} for QUERY_PK ({@link Duration#ZERO}: the default, no spin; PkAB's {@code pgconn-nospin}) */
    PgconnClient(Endpoints endpoints, SslProviderKind provider, boolean typeDiscovery, Duration blockedCallerSpin) {
        this(endpoints, provider, typeDiscovery, blockedCallerSpin, Duration.ZERO);
    }

    /** @param loopBusyPoll {@code eventLoopBusyPoll} of QUERY_PK's own event loop group ({@link Duration#ZERO}: none, the shared group) */
    PgconnClient(Endpoints endpoints, SslProviderKind provider, boolean typeDiscovery, Duration blockedCallerSpin, Duration loopBusyPoll) {
        this(endpoints, provider, typeDiscovery, blockedCallerSpin, loopBusyPoll, Transport.best());
    }

    /** @param transport the event loop groups' transport ({@link Transport#best()}, epoll here, but for PkAB's io_uring variants) */
    PgconnClient(Endpoints endpoints, SslProviderKind provider, boolean typeDiscovery, Duration blockedCallerSpin, Duration loopBusyPoll,
            Transport transport) {
        this(endpoints, provider, typeDiscovery, blockedCallerSpin, loopBusyPoll, transport, null);
    }

    /**
     * pgconn on caller-run event loops ({@code Transport.newCallerRunEventLoopGroup}, docs/query.md §1): a caller blocked
     * on a query runs its connection's loop while it waits; {@code pgconn-callerrun} with {@code blockingWaitSpin}
     * {@code blockedCallerSpin} (polling the loop first), {@code pgconn-callerrun-nospin} without.
     */
    static PgconnClient callerRun(Endpoints endpoints, Duration blockedCallerSpin) {
        return callerRun(endpoints, blockedCallerSpin, Transport.DEFAULT_CALLER_RUN_LINGER);
    }

    /** {@link #callerRun(Endpoints, Duration)} with another linger: {@code pgconn-callerrun-linger<ms>} (PkAB). */
    static PgconnClient callerRun(Endpoints endpoints, Duration blockedCallerSpin, Duration linger) {
        PgconnClient c = new PgconnClient(endpoints, SslProviderKind.AUTO, true, blockedCallerSpin, Duration.ZERO, Transport.best(), linger);
        c.label = (blockedCallerSpin.isZero() ? "pgconn-callerrun-nospin" : "pgconn-callerrun")
                + (linger.equals(Transport.DEFAULT_CALLER_RUN_LINGER) ? "" : "-linger" + linger.toMillis());
        return c;
    }

    private final boolean callerRun;
    private final Duration linger;

    /** @param linger non-null: on a caller-run event loop group with that linger */
    private PgconnClient(Endpoints endpoints, SslProviderKind provider, boolean typeDiscovery, Duration blockedCallerSpin, Duration loopBusyPoll,
            Transport transport, Duration linger) {
        this.transport = transport;
        this.callerRun = linger != null;
        this.linger = linger;
        this.group = callerRun ? transport.newCallerRunEventLoopGroup(null, Runtime.getRuntime().availableProcessors(), linger)
                : transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors());
        this.loopBusyPoll = loopBusyPoll;
        this.blockedCallerSpin = blockedCallerSpin;
        this.endpoints = endpoints;
        this.provider = provider;
        this.typeDiscovery = typeDiscovery;
    }

    @Override
    public String name() {
        if (label != null) {
            return label;
        }
        if (!typeDiscovery) {
            return "pgconn-no-types";
        }
        return provider == SslProviderKind.AUTO ? "pgconn" : "pgconn-" + provider.libpqName();
    }

    @Override
    public boolean supports(Target target) {
        // the provider matters only with TLS: a variant with an explicit provider runs the TLS scenarios alone
        return provider == SslProviderKind.AUTO || target.tls();
    }

    /** {@code pgconn-callerrun} runs QUERY_PK alone: the blocked caller's shape the mode is for (docs/query.md §1). */
    @Override
    public boolean supports(Scenario scenario) {
        return callerRun ? scenario == Scenario.QUERY_PK : Client.super.supports(scenario);
    }

    @Override
    public boolean blocking() {
        return false;
    }

    ConnConfig config(Target target) {
        return ConnConfig.parse(configText(target), EnvironmentSource.of(Map.of()));
    }

    private String configText(Target target) {
        Endpoints e = endpoints;
        String common = " dbname=" + e.database() + " sslProvider=" + provider.libpqName() + (typeDiscovery ? "" : " extensionTypes=''");
        String s = switch (target) {
            case TRUST -> "host=" + e.host() + " port=" + e.primaryPort() + " user=" + e.trustUser() + " sslmode=disable";
            case SCRAM -> scram() + " sslmode=disable";
            case SCRAM_REQUIRE -> scram() + " sslmode=require";
            case SCRAM_VERIFY_FULL -> scram() + " sslmode=verify-full sslrootcert=" + e.caFile();
            case FAILOVER -> "host=" + e.host() + "," + e.host() + "," + e.host()
                    + " port=" + e.refusedPort() + "," + e.standbyPort() + "," + e.primaryPort()
                    + " user=" + e.trustUser() + " sslmode=disable target_session_attrs=read-write";
        };
        return s + common;
    }

    private String scram() {
        return "host=" + endpoints.host() + " port=" + endpoints.primaryPort() + " user=" + endpoints.scramUser()
                + " password=" + endpoints.scramPassword();
    }

    @Override
    public Source source(Target target, boolean fresh) {
        if (fresh) {
            PgConnectionFactory factory = newFactory(target);
            return new Source() {
                @Override
                public CompletableFuture<Object> connect() {
                    return factory.connect().thenApply(c -> c);
                }

                @Override
                public void close() {
                    factory.close();
                }
            };
        }
        PgConnectionFactory factory = factories.computeIfAbsent(target, this::newFactory);
        return () -> factory.connect().thenApply(c -> c);
    }

    @Override
    public synchronized Source querySource(Scenario scenario, Source trust) {
        if (scenario != Scenario.QUERY_PK || (blockedCallerSpin.isZero() && loopBusyPoll.isZero())) {
            return trust;
        }
        if (blockedCallerFactory == null) {
            ConnConfig spinning = ConnConfig.parse(configText(Target.TRUST) + " blockingWaitSpin=" + blockedCallerSpin.toNanos() / 1000 + "us",
                    EnvironmentSource.of(Map.of()));
            EventLoopGroup on = group;
            if (!loopBusyPoll.isZero()) {
                on = pollingGroup = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors(), loopBusyPoll);
            }
            blockedCallerFactory = PgConnectionFactory.builder(spinning).eventLoopGroup(on).build();
        }
        PgConnectionFactory factory = blockedCallerFactory;
        return () -> factory.connect().thenApply(c -> c);
    }

    private PgConnectionFactory newFactory(Target target) {
        return PgConnectionFactory.builder(config(target)).eventLoopGroup(group).build();
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        return ((PgConnection) connection).simpleQuery("SELECT 1").thenAccept(r -> r.singleValue());
    }

    @Override
    public CompletableFuture<Void> selectByPk(Object connection, int id) {
        return ((PgConnection) connection).query(PK_SQL, id).thenAccept(rows -> {
            Row r = rows.row(0);
            r.getInt(0);
            r.get(1, String.class);
            r.get(2, BigDecimal.class);
            r.get(3, OffsetDateTime.class);
        });
    }

    @Override
    public CompletableFuture<Integer> selectRows(Object connection) {
        // map: each row is read on the event loop as it arrives, overlapping the server's sending (pgconn's idiom for this)
        return ((PgConnection) connection).statement(ROWS_SQL).map(r -> {
            // the primitive getters where pgjdbc's worker uses getInt/getLong/getDouble/getBoolean
            r.getInt(0);
            r.getLong(1);
            r.getDouble(2);
            r.get(3, BigDecimal.class);
            r.getString(4);
            r.getString(5);
            r.getBoolean(6);
            r.get(7, OffsetDateTime.class);
            r.get(8, LocalDate.class);
            r.get(9, UUID.class);
            return Boolean.TRUE;
        }).thenApply(List::size);
    }

    /** Pipelining: a new insert is written whenever an answer arrives, so {@code inFlight} stay on the wire. */
    @Override
    public CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        PgConnection c = (PgConnection) connection;
        return KeepInFlight.run(count, inFlight, i -> c.query(INSERT_SQL, i, "value " + i));
    }

    /** The statement's stream with a demand of 256 segments at a time (the socket is not read while demand is zero). */
    @Override
    public CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        CountingSubscriber<Segment> reader = new CountingSubscriber<>(STREAM_DEMAND, segment -> {
            if (segment instanceof Row r) {
                r.getInt(0);
                r.getString(1);
                return true;
            }
            return false;
        }, STREAM_TOTAL / 2, midway);
        ((PgConnection) connection).statement(STREAM_SQL).execute().subscribe(reader);
        return reader.done().thenApply(Math::toIntExact);
    }

    @Override
    public boolean copies(Scenario scenario) {
        return true;
    }

    /**
     * {@code bench.copyChunk} (a worker JVM property, through {@code BENCH_WORKER_JVM_ARGS}): the chunk size of COPY_IN's
     * publisher, {@value #COPY_CHUNK} by default; 0 sends the array with {@code copyIn(sql, byte[])} (one chunk).
     */
    static final int COPY_IN_CHUNK = Integer.getInteger("bench.copyChunk", COPY_CHUNK);

    /** {@code copyIn(sql, Flow.Publisher)} of read-only 64-KiB views of the array (no copy), or {@code copyIn(sql, byte[])}. */
    @Override
    public CompletableFuture<Long> copyIn(Object connection, byte[] data) {
        PgConnection c = (PgConnection) connection;
        return COPY_IN_CHUNK == 0 ? c.copyIn(COPY_IN_SQL, data) : c.copyIn(COPY_IN_SQL, new ByteArrayChunkPublisher(data, COPY_IN_CHUNK));
    }

    /** {@code copyOut(sql)} with unbounded demand, every chunk (one row) counted on the event loop as it arrives. */
    @Override
    public CompletableFuture<Long> copyOut(Object connection) {
        CountingSubscriber<java.nio.ByteBuffer> reader = new CountingSubscriber<>(Long.MAX_VALUE, java.nio.ByteBuffer::hasRemaining);
        ((PgConnection) connection).copyOut(COPY_OUT_SQL).subscribe(reader);
        return reader.done();
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        return CompletableFuture.completedFuture(((PgConnection) connection).processId());
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        return ((PgConnection) connection).close();
    }

    /** Where this JVM loaded pgconn-core from: which build a worker runs. */
    static String coreLocation() {
        java.security.CodeSource source = PgConnection.class.getProtectionDomain().getCodeSource();
        return source == null ? "?" : source.getLocation().getPath();
    }

    @Override
    public String settings() {
 return "pgconn (" + (label == null || callerRun ? "this build" : "another build") + ", pgconn-core from " + coreLocation() + "): PgConnectionFactory per target on one "
                + transport.name().toLowerCase() + (callerRun ? " caller-run event loop group (a blocked caller runs its connection's loop"
                        + " while it waits; Transport.newCallerRunEventLoopGroup, linger " + (callerRun ? linger.toNanos() / 1000 : 0) + " us; " : " event loop group (") + Runtime.getRuntime().availableProcessors()
                + " threads); sslProvider=" + provider.libpqName()
                + (provider == SslProviderKind.AUTO ? " (default; resolves to " + (io.netty.handler.ssl.OpenSsl.isAvailable() ? "OpenSSL "
                        + io.netty.handler.ssl.OpenSsl.versionString() : "JDK") + ")" : "")
                + (typeDiscovery ? "; extensionTypes default (hstore, vector: one to_regtype query on a factory's first connect to a"
                        + " server, its answer reused for hostRecheckInterval=10 s; first failover: a new factory, so a query every connect)"
                        : "; extensionTypes= (no type query)")
                + "; caches on: TLS context per factory, SCRAM salted password (per factory), type OIDs (per factory), host status memory"
                + " (repeat failover; a new factory per connect for first failover); channel_binding=prefer (default)"
                + (blockedCallerSpin.isZero() ? "; blockingWaitSpin=0 (default) everywhere"
                        : "; QUERY_PK (one caller blocked on each query): blockingWaitSpin=" + blockedCallerSpin.toNanos() / 1000
                        + "us (pgconn's setting for a single blocked caller: join() spins before parking; off by default,"
                        + " costs CPU, and with more blocked callers than cores it loses throughput; docs/query.md §1),"
                        + " the other scenarios blockingWaitSpin=0 (default)")
                + "; COPY_IN: " + (COPY_IN_CHUNK == 0 ? "copyIn(sql, byte[]) (one chunk)"
                        : "copyIn(sql, Flow.Publisher<ByteBuffer>) of " + COPY_IN_CHUNK + "-byte read-only views of the array")
                + ", COPY_OUT: copyOut(sql), request(Long.MAX_VALUE), one chunk per row counted";
    }

    @Override
    public void close() {
        factories.values().forEach(PgConnectionFactory::close);
        synchronized (this) {
            if (blockedCallerFactory != null) {
                blockedCallerFactory.close();
            }
            if (pollingGroup != null) {
                pollingGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
