package io.pgconn.internal.connect;

import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.internal.session.ServerParameterSets;
import io.pgconn.internal.tls.SslContextFactory;
import io.pgconn.internal.tls.TlsSettings;
import io.pgconn.trace.PgTracer;
import io.pgconn.internal.transport.Dialer;
import io.pgconn.internal.transport.SocketPeer;
import io.pgconn.Transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connect of one factory shares: the event loops, the dialer, TLS contexts (building
 * one costs milliseconds), the salted-password cache (PBKDF2 dominates SCRAM's CPU), the tracer,
 * a small bounded pool for blocking host-name look-ups ({@link HostNameLookups}), and Netty's DNS client for the
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
    private final HostNameLookups lookups = new HostNameLookups();
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
    HostNameLookups lookups() {
        return lookups;
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
     * The TLS context for these settings, built once per state of the files libpq reads at every
     * connect: a client certificate that appears (or goes) later is sent (or not) from the next connect
     * on, and revocation lists that appear, go or change (a certificate revoked since) are checked from
     * the next connect on, not only by a new factory. One context per settings: a new state replaces the old.
     */
    public SslContext sslContext(TlsSettings settings, String hostLabel) {
        FileState state = new FileState(settings.certFileExists(), settings.revocationListsState());
        Built existing = sslContexts.get(settings);
        if (existing != null && existing.state().equals(state)) {
            return existing.context();
        }
        SslContext created = sslContextFactory.create(settings, hostLabel);
        sslContexts.put(settings, new Built(state, created));
        return created;
    }

    /** What verifies the server's certificate chain under {@code settings}, for a handshake failure's message; null: nothing. */
    public String chainVerifier(TlsSettings settings) {
        return sslContextFactory.chainVerifier(settings);
    }

    /** What of the settings' files a context was built from. */
    private record FileState(boolean certFileExists, List<String> revocationLists) {
    }

    private record Built(FileState state, SslContext context) {
    }

    /** Releases what this object owns (not the event loop group, which its owner shuts down). */
    public void close() {
        lookups.close();
        dns.close();
        saltedPasswords.clear();
        sslContexts.clear();
    }
}
