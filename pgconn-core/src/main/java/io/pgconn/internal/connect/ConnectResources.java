package io.pgconn.internal.connect;

import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

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

    /** The bounded pool, of its own, for the files a connect reads before it dials ({@link ConnectFiles}). */
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
     * The TLS context for these settings and what verifies the server's chain, built once per state of the files libpq
     * reads at every connect ({@link TlsFileState}: each file's identity, size, modification time and permissions): a
     * root or client certificate rotated on disk, a client certificate that appears (or goes), revocation lists that
     * appear, go or change (a certificate revoked since) are used from the next connect on, not only by a new
     * factory. One context per settings: a new state replaces the old; a state with a FIFO or device is never reused.
     *
     * <p>Stats the files, and reads them when the state changed: blocking file I/O, so called on the file-read pool
     * before the dial ({@link ConnectFiles}), never on an event loop (docs/lifecycle.md §1.6).
     *
     * @param reading told, before a context is built, which files are being read (for a timeout's message)
     */
    PreparedTls tls(TlsSettings settings, String hostLabel, Consumer<String> reading) {
        TlsFileState state = TlsFileState.of(settings);
        Built existing = sslContexts.get(settings);
        if (existing != null && state.reusable() && existing.state().equals(state)) {
            return existing.tls();
        }
        String files = state.presentFiles();
        reading.accept(files.isEmpty() ? "build the TLS context" : "read " + files);
        PreparedTls built = new PreparedTls(sslContextFactory.create(settings, hostLabel), sslContextFactory.chainVerifier(settings));
        if (state.reusable()) {
            sslContexts.put(settings, new Built(state, built));
        } else {
            sslContexts.remove(settings);
        }
        return built;
    }

    private record Built(TlsFileState state, PreparedTls tls) {
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
