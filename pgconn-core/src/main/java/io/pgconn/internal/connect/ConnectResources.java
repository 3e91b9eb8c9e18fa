package io.pgconn.internal.connect;

import io.pgconn.FutureFailures;
import io.pgconn.PgException;
import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.pgconn.config.HostSpec;
import io.pgconn.config.PgPassFile;
import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.internal.session.ServerParameterSets;
import io.pgconn.internal.tls.SslContextFactory;
import io.pgconn.internal.tls.TlsFileState;
import io.pgconn.internal.tls.TlsSettings;
import io.pgconn.trace.PgTracer;
import io.pgconn.internal.transport.Dialer;
import io.pgconn.internal.transport.SocketPeer;
import io.pgconn.Transport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What every connect of one factory shares: the event loops, the dialer, TLS contexts (building
 * one costs milliseconds), the salted-password cache (PBKDF2 dominates SCRAM's CPU), the tracer,
 * small bounded pools for blocking host-name look-ups and for connect-time file reads ({@link BlockingCallPool}), and Netty's DNS client for the
 * connects that ask for it ({@link NettyDnsLookups}, {@code hostResolver=netty-dns}): each made at its first use,
 * closed with the factory.
 */
public final class ConnectResources {

    private final EventLoopGroup group;
    private final Dialer dialer;
    private final SaltedPasswordCache saltedPasswords = new SaltedPasswordCache(64);
    private final ServerParameterSets parameterSets = new ServerParameterSets();
    private final Map<TlsSettings, Built> sslContexts = new ConcurrentHashMap<>();
    /** The pending look at each settings' TLS files: a connect that needs them while one is under way joins it. */
    private final SingleFlight<TlsSettings, PreparedTls> tlsChecks = new SingleFlight<>();
    /** What each pending look at TLS files is doing now ("read sslrootcert file ..."), for the timeouts of its joiners. */
    private final Map<TlsSettings, String> tlsReading = new ConcurrentHashMap<>();
    /** {@link System#nanoTime}, or a test's clock, for {@link #TLS_FILES_RECHECK}. */
    private volatile LongSupplier nanoClock = System::nanoTime;
    /** The pending read of each password file: a connect that needs it while one is under way joins it. */
    private final SingleFlight<Path, Optional<PgPassFile>> passwordFileReads = new SingleFlight<>();
    private final SslContextFactory sslContextFactory;
    private final PgTracer tracer;
    private final BlockingCallPool lookups = new BlockingCallPool();
    private final BlockingCallPool fileReads = BlockingCallPool.forFiles();
    private final NettyDnsLookups dns;
    private final AddressResolver resolver;
    private final ConnectLoops loops;

    private final CodecRegistry codecs;
    private final SocketPeer socketPeer;

    public ConnectResources(EventLoopGroup group, Transport transport, PgTracer tracer) {
        this(group, transport, tracer, new SslContextFactory(), CodecRegistry.defaults());
    }

    public ConnectResources(EventLoopGroup group, Transport transport, PgTracer tracer, SslContextFactory sslContextFactory,
                            CodecRegistry codecs) {
        this(group, transport, tracer, sslContextFactory, codecs, SocketPeer.of(transport));
    }

    /** @param socketPeer who listens at the other end of a Unix-domain socket (requirepeer): the kernel, or a test's stand-in */
    public ConnectResources(EventLoopGroup group, Transport transport, PgTracer tracer, SslContextFactory sslContextFactory,
                            CodecRegistry codecs, SocketPeer socketPeer) {
        this(group, transport, tracer, sslContextFactory, codecs, socketPeer, null);
    }

    /**
     * @param nameServers the DNS servers {@code hostResolver=netty-dns} asks, in order; null (every factory): the
     *                    system's, from {@code /etc/resolv.conf} — tests point it at a scripted server
     */
    ConnectResources(EventLoopGroup group, Transport transport, PgTracer tracer, SslContextFactory sslContextFactory,
                     CodecRegistry codecs, SocketPeer socketPeer, List<InetSocketAddress> nameServers) {
        this.group = group;
        this.socketPeer = socketPeer;
        this.codecs = codecs;
        this.sslContextFactory = sslContextFactory;
        this.dialer = new Dialer(group, transport);
        this.tracer = tracer;
        this.dns = new NettyDnsLookups(group, transport, nameServers);
        this.resolver = new AddressResolver(lookups, dns, transport);
        this.loops = new ConnectLoops(group);
    }

    /** The factory's codecs, unbound: each connection binds them to its extension type OIDs. */
    public CodecRegistry codecs() {
        return codecs;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Which loop each connect runs on. */
    public ConnectLoops loops() {
        return loops;
    }

    /** The bounded pool for look-ups that may block in the system's name services: host names, requirepeer's user. */
    BlockingCallPool lookups() {
        return lookups;
    }

    /** The bounded pool, of its own, for the files a connect reads ({@link ConnectFiles}). */
    BlockingCallPool fileReads() {
        return fileReads;
    }

    /** Who listens at the other end of a Unix-domain socket ({@code requirepeer}). */
    public SocketPeer socketPeer() {
        return socketPeer;
    }

    public Dialer dialer() {
        return dialer;
    }

    public PgTracer tracer() {
        return tracer;
    }

    public SaltedPasswordCache saltedPasswords() {
        return saltedPasswords;
    }

    /** The ParameterStatus sets this factory's sessions share ({@link ServerParameterSets}). */
    public ServerParameterSets parameterSets() {
        return parameterSets;
    }

    public AddressResolver resolver() {
        return resolver;
    }

    /**
     * How long a TLS context stays good for the connects of its settings without a new look at its files: one second.
     * libpq reads the files at every connect; a factory stats them (on its file-read pool, a thread hop each way,
     * docs/lifecycle.md §1.6) and reuses its context while they are unchanged — but a stat on the event loop could
     * stall every session there on a hung NFS or FUSE mount, so within this window after a look the files are not
     * looked at again and the connect goes on on its own thread. A connect burst (a pool filling or refilling, every
     * session of a failover re-logging in) pays one look per second instead of a hop per connect, and a file rotated
     * on disk is used by the connects that start at most this long after the rotation (certificate rotations are
     * announced days ahead and propagate to a secret volume in tens of seconds; a second more goes unnoticed).
     */
    static final Duration TLS_FILES_RECHECK = Duration.ofSeconds(1);

    /**
     * The TLS context for these settings when its files were looked at less than {@link #TLS_FILES_RECHECK} ago (and
     * found as when it was built); null otherwise: then {@link #tls} looks. No file I/O: callable on an event loop.
     */
    PreparedTls freshTls(TlsSettings settings) {
        Built built = sslContexts.get(settings);
        return built != null && nanoClock.getAsLong() - built.checkedNanos() < TLS_FILES_RECHECK.toNanos() ? built.tls() : null;
    }

    /** For tests: the clock {@link #freshTls} measures {@link #TLS_FILES_RECHECK} with. */
    void nanoClock(LongSupplier clock) {
        nanoClock = clock;
    }

    /**
     * What the TLS step of a connect or cancel request to {@code host} with these settings is being held up by, on the
     * file-read pool: "look at the TLS files", or the files it is reading; null when nothing is pending for them.
     */
    String tlsReading(TlsSettings settings) {
        return tlsReading.get(settings);
    }

    /**
     * The TLS context for these settings and what verifies the server's chain, built once per state of the files libpq
     * reads at every connect ({@link TlsFileState}: each file's identity, size, modification time and permissions): a
     * root or client certificate rotated on disk, a client certificate that appears (or goes), revocation lists that
     * appear, go or change (a certificate revoked since) are used from the next look at the files on (after
     * {@link #TLS_FILES_RECHECK} at most), not only by a new factory. One context per settings: a new state replaces the
     * old; a state with a FIFO or device is never reused.
     *
     * <p>Stats the files, and reads them when the state changed: blocking file I/O, so run on the file-read pool
     * (docs/lifecycle.md §1.6), never on an event loop; completes there (or at once when the pool refuses it). A connect
     * that needs the same settings' files while a look is pending joins it ({@link SingleFlight}): a file that never
     * answers keeps one file-read thread, not one per connect. A joined look that failed naming another host is taken
     * again by the joiner once the files have answered, so that its error names its own host.
     *
     * @param host the host whose connect (or cancel request) asks first, as a refusal names it
     */
    CompletableFuture<PreparedTls> tls(TlsSettings settings, HostSpec host) {
        return joinInOwnWords(tlsChecks, settings, host, () -> {
            tlsReading.put(settings, STAT_TLS_FILES);
            return fileReads.run(host, STAT_TLS_FILES, () -> checkedTls(settings, host.label(), reading -> tlsReading.put(settings, reading)))
                    .whenComplete((tls, error) -> tlsReading.remove(settings)); // before the flight ends: a next look starts afresh
        }, () -> fileReads.run(host, STAT_TLS_FILES, () -> checkedTls(settings, host.label(), reading -> { })));
    }

    /**
     * The pending read of {@code key} in {@code flights}, or a new one by {@code read}, for a connect to {@code host}.
     * A joined read fails in the words of the connect that started it, naming its host; a connect to another host whose
     * joined read failed so runs {@code again} for itself once the joined read has ended — its own error, naming its
     * host (REVIEW-27 R27-3 for the TLS look, REVIEW-28 R28-1 for the password file). {@code again} is not joined by
     * others: it is the rare path (a bad file, a full or closed file-read pool).
     */
    private static <K, V> CompletableFuture<V> joinInOwnWords(SingleFlight<K, V> flights, K key, HostSpec host,
                                                           Supplier<CompletableFuture<V>> read,
                                                           Supplier<CompletableFuture<V>> again) {
        boolean[] started = {false};
        CompletableFuture<V> flight = flights.join(key, () -> {
            started[0] = true;
            return read.get();
        });
        if (started[0]) {
            return flight;
        }
        return flight.handle((value, error) -> error == null || !(FutureFailures.unwrap(error) instanceof PgException failure)
                || host.label().equals(failure.host()) ? flight : again.get())
                .thenCompose(outcome -> outcome);
    }

    /** What a connect waits for while the TLS files are stat'ed (the read that may follow names the files). */
    static final String STAT_TLS_FILES = "look at the TLS files (sslrootcert, sslcert, sslkey, sslcrl, sslcrldir)";

    private PreparedTls checkedTls(TlsSettings settings, String hostLabel, Consumer<String> reading) {
        long now = nanoClock.getAsLong();
        TlsFileState state = TlsFileState.of(settings);
        Built existing = sslContexts.get(settings);
        if (existing != null && state.reusable() && existing.state().equals(state)) {
            sslContexts.put(settings, new Built(state, existing.tls(), now)); // looked at now: good for another window
            return existing.tls();
        }
        String files = state.presentFiles();
        reading.accept(files.isEmpty() ? "build the TLS context" : "read " + files);
        PreparedTls built = new PreparedTls(sslContextFactory.create(settings, hostLabel), sslContextFactory.chainVerifier(settings));
        if (state.reusable()) {
            sslContexts.put(settings, new Built(state, built, now));
        } else {
            sslContexts.remove(settings);
        }
        return built;
    }

    /** A context, the file state it was built from, and when ({@link System#nanoTime}) the files were last looked at. */
    private record Built(TlsFileState state, PreparedTls tls, long checkedNanos) {
    }

    /**
     * The password file {@code file}, read (with libpq's checks: permissions, a regular file; a missing file is empty)
     * on the file-read pool, never on an event loop; completes there, or at once when the pool refuses it. A connect
     * that needs the same file while a read is pending joins it ({@link SingleFlight}); each connect matches its own
     * host, port, database and user against the lines read. A read cannot fail ({@link PgPassFile#read} warns and
     * answers empty), but the pool can refuse it (full, or the factory closed), naming the host of the connect that
     * asked first: a joined connect to another host asks the pool again for itself then, so that its error names its
     * own host (REVIEW-28 R28-1).
     *
     * @param what the read as a refusal or a timeout names it ("read the password file ...")
     */
    CompletableFuture<Optional<PgPassFile>> passwordFile(Path file, HostSpec host, String what) {
        return joinInOwnWords(passwordFileReads, file, host, () -> fileReads.run(host, what, () -> PgPassFile.read(file)),
                () -> fileReads.run(host, what, () -> PgPassFile.read(file)));
    }

    /** Releases what this object owns (not the event loop group, which its owner shuts down). */
    public void close() {
        lookups.close();
        fileReads.close();
        dns.close();
        saltedPasswords.clear();
        sslContexts.clear();
    }
}
