package io.pgconn.internal.connect;

import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.internal.tls.SslContextFactory;
import io.pgconn.internal.tls.TlsSettings;
import io.pgconn.trace.PgTracer;
import io.pgconn.internal.transport.Dialer;
import io.pgconn.Transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connect of one factory shares: the event loops, the dialer, TLS contexts (building
 * one costs milliseconds), the salted-password cache (PBKDF2 dominates SCRAM's CPU), the tracer
 * and a small bounded pool for blocking host-name look-ups ({@link HostNameLookups}).
 */
public final class ConnectResources {

    private final EventLoopGroup group;
    private final Dialer dialer;
    private final SaltedPasswordCache saltedPasswords = new SaltedPasswordCache(64);
    private final Map<ContextKey, SslContext> sslContexts = new ConcurrentHashMap<>();
    private final SslContextFactory sslContextFactory;
    private final PgTracer tracer;
    private final HostNameLookups lookups = new HostNameLookups();
    private final AddressResolver resolver;
    private final ConnectLoops loops;

    private final CodecRegistry codecs;

    public ConnectResources(EventLoopGroup group, Transport transport, PgTracer tracer) {
        this(group, transport, tracer, new SslContextFactory(), CodecRegistry.defaults());
    }

    public ConnectResources(EventLoopGroup group, Transport transport, PgTracer tracer, SslContextFactory sslContextFactory,
                            CodecRegistry codecs) {
        this.group = group;
        this.codecs = codecs;
        this.sslContextFactory = sslContextFactory;
        this.dialer = new Dialer(group, transport);
        this.tracer = tracer;
        this.resolver = new AddressResolver(lookups, transport);
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

    public Dialer dialer() {
        return dialer;
    }

    public PgTracer tracer() {
        return tracer;
    }

    public SaltedPasswordCache saltedPasswords() {
        return saltedPasswords;
    }

    public AddressResolver resolver() {
        return resolver;
    }

    /**
     * The TLS context for these settings, built once — once per state of the client certificate file,
     * that is: libpq looks for it at every connect, so a certificate that appears (or goes) later is
     * sent (or not) from the next connect on, not only by a new factory; likewise the revocation lists.
     */
    public SslContext sslContext(TlsSettings settings, String hostLabel) {
        ContextKey key = new ContextKey(settings, settings.certFileExists(), settings.revocationListsExist());
        SslContext existing = sslContexts.get(key);
        if (existing != null) {
            return existing;
        }
        SslContext created = sslContextFactory.create(settings, hostLabel);
        SslContext raced = sslContexts.putIfAbsent(key, created);
        return raced != null ? raced : created;
    }

    private record ContextKey(TlsSettings settings, boolean certFileExists, boolean revocationListsExist) {
    }

    /** Releases what this object owns (not the event loop group, which its owner shuts down). */
    public void close() {
        lookups.close();
        saltedPasswords.clear();
        sslContexts.clear();
    }
}
