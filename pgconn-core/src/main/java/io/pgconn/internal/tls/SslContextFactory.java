package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import io.pgconn.config.SslProviderKind;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.pgconn.PgConfigException;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the client {@link SslContext} for one {@link TlsSettings}: trust, client certificate,
 * protocol range, ALPN and provider, following libpq.
 *
 * <p>Building a context reads files and may be slow; it is stateless here, so callers cache one
 * context per {@code TlsSettings} (a value type) and state of its files ({@link TlsFileState}), and build it off the
 * event loop (docs/lifecycle.md §1.6). Every failure is a {@link PgConfigException}
 * naming the keyword and the file: such errors would repeat on every host.
 */
public final class SslContextFactory {

    /** The ALPN protocol PostgreSQL 17+ requires for direct TLS ({@code sslnegotiation=direct}). */
    public static final String ALPN_POSTGRESQL = "postgresql";

    /** How a handshake failure names trust given in memory without a name of its own. */
    public static final String IN_MEMORY_TRUST = "the TrustManagerFactory given to PgConnectionFactory.Builder"
            + " (sslrootcert is not read)";

    // NO_ADVERTISE + ACCEPT is the pair both the JDK and OpenSSL providers accept for a client;
    // the selection is checked after the handshake (TlsHandshakeHandler), not by the engine.
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ALPN_POSTGRESQL);

    /** How a chain failure under {@code sslrootcert=system} names what verified it. */
    private static final String SYSTEM_TRUST = "the JDK's default trust store (sslrootcert=system: javax.net.ssl.trustStore"
            + " or the JDK's cacerts, not SSL_CERT_FILE or SSL_CERT_DIR)";

    /** Trust material given in memory instead of {@code sslrootcert}, or {@code null}. */
    private final TrustManagerFactory trust;

    /** What {@link #trust} is, for a handshake failure's message (e.g. "SSL bundle 'db'"). */
    private final String trustSource;

    /** Client key and certificate given in memory instead of {@code sslcert}/{@code sslkey}, or {@code null}. */
    private final KeyManagerFactory keys;

    /** Trust and client key from the settings' files. */
    public SslContextFactory() {
        this(null, null, null);
    }

    /**
     * Trust and client key material given in memory (e.g. a Spring Boot SSL bundle), used instead of
     * {@code sslrootcert} and {@code sslcert}/{@code sslkey}; either may be {@code null} to keep the files'.
     * Settings without a client certificate ({@code sslcertmode=disable}) send none, whatever {@code keys} holds.
     */
    public SslContextFactory(TrustManagerFactory trust, KeyManagerFactory keys) {
        this(trust, keys, null);
    }

    /**
     * As {@link #SslContextFactory(TrustManagerFactory, KeyManagerFactory)}; {@code trustSource} names {@code trust} in
     * the error of a chain it does not trust (null: {@link #IN_MEMORY_TRUST}).
     */
    public SslContextFactory(TrustManagerFactory trust, KeyManagerFactory keys, String trustSource) {
        this.trust = trust;
        this.trustSource = trustSource != null ? trustSource : IN_MEMORY_TRUST;
        this.keys = keys;
    }

    /**
     * What verifies the server's certificate chain under {@code settings}, as a handshake failure names it
     * ({@code server certificate chain not trusted by ...}): the trust given in memory by its name (NEW-USER-20 F1: an
     * SSL bundle's failure named {@code sslrootcert=~/.postgresql/root.crt}, a file that was not there and not read),
     * the JDK's default trust store (sslrootcert=system, named so that a CA given to libpq by SSL_CERT_FILE is not looked
     * for there: docs/lifecycle.md §9), or the {@code sslrootcert} file; null when nothing verifies it.
     */
    public String chainVerifier(TlsSettings settings) {
        if (trust != null) {
            return settings.mode().verifiesChain(true) ? trustSource : null;
        }
        if (!settings.verifiesChain()) {
            return null;
        }
        return settings.usesSystemTrust() ? SYSTEM_TRUST : "sslrootcert=" + settings.rootCert();
    }

    /**
     * Builds a client context.
     *
     * @param settings  what to trust, which client certificate, protocols and provider
     * @param hostLabel {@code host:port} of the host that asked, for error messages
     * @throws PgConfigException when a file is missing, unreadable, too open (sslkey) or malformed,
     *                           a password is wrong, or the OpenSSL provider is not available
     */
    public SslContext create(TlsSettings settings, String hostLabel) {
        if (settings.mode() == SslMode.DISABLE) {
            throw new PgConfigException(hostLabel, "sslmode=disable: no SSL context is needed");
        }
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider(settings.provider(), hostLabel))
                // Netty 4.2 turns on HTTPS host-name checks by default; libpq's rules differ and apply
                // only to verify-full, so PgHostnameVerifier does it after the handshake
                .endpointIdentificationAlgorithm(null)
                .protocols(settings.enabledProtocols())
                // libpq 17 offers ALPN on every TLS connection; only direct negotiation insists on it
                .applicationProtocolConfig(ALPN);
        if (trust != null) {
            // in-memory roots count as a root certificate file that exists: every sslmode but disable then
            // verifies the chain, as libpq does when sslrootcert (or ~/.postgresql/root.crt) exists
            builder.trustManager(settings.mode().verifiesChain(true) ? trust : InsecureTrustManagerFactory.INSTANCE);
        } else {
            configureTrust(builder, settings, hostLabel);
        }
        if (settings.cert() == null) {
            // sslcertmode=disable (TlsSettingsOf): no client certificate, not even one given in memory
        } else if (keys != null) {
            builder.keyManager(keys);
        } else if (ClientCredentials.certificateFileExists(settings)) {
            ClientCredentials credentials = ClientCredentials.load(settings, hostLabel);
            builder.keyManager(credentials.key(), credentials.chain());
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new PgConfigException(hostLabel, "could not create SSL context for " + settings + ": " + e.getMessage(), e);
        }
    }

    private static void configureTrust(SslContextBuilder builder, TlsSettings settings, String hostLabel) {
        if (!settings.verifiesChain()) {
            // require without sslrootcert, prefer, allow: encrypted but unauthenticated, as in libpq
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (settings.rootCert() == null) {
            throw new PgConfigException(hostLabel, "sslrootcert", null, "sslmode=" + settings.mode().libpqName()
                    + " needs a root certificate: set sslrootcert to a PEM file of trusted CAs, or to \"system\"");
        } else if (!settings.rootCertFileExists()) {
            // only verify-ca/verify-full get here: weaker modes skip verification when the file is absent (libpq)
            throw TlsFile.ROOT_CERT.error(hostLabel, Path.of(settings.rootCert()), "root certificate file \"" + settings.rootCert()
                    + "\" does not exist (sslrootcert; sslmode=" + settings.mode().libpqName() + " verifies the server certificate):"
                    + " provide the file, use the system's trusted roots with sslrootcert=system, or choose an sslmode that does not verify");
        } else if (settings.usesSystemTrust()) {
            TrustManagerFactory system = systemTrust(hostLabel);
            builder.trustManager(RevocationLists.exist(settings) ? RevocationLists.trusting(acceptedIssuers(system), settings, hostLabel) : system);
        } else {
            List<X509Certificate> roots = PemFiles.certificates(TlsFile.ROOT_CERT, Path.of(settings.rootCert()), hostLabel);
            if (RevocationLists.exist(settings)) {
                builder.trustManager(RevocationLists.trusting(roots, settings, hostLabel));
            } else {
                builder.trustManager(roots);
            }
        }
    }

    private static List<X509Certificate> acceptedIssuers(TrustManagerFactory factory) {
        for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof javax.net.ssl.X509TrustManager x509) {
                return List.of(x509.getAcceptedIssuers());
            }
        }
        return List.of();
    }

    private static TrustManagerFactory systemTrust(String hostLabel) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null); // null: the JDK's default trust store (cacerts or javax.net.ssl.trustStore)
            return factory;
        } catch (GeneralSecurityException e) {
            throw new PgConfigException(hostLabel, "sslrootcert", "system", "sslrootcert=system: could not load the JDK default trust store", e);
        }
    }

    /** The provider {@code kind} stands for here: {@code auto} is OpenSSL when it is available, else the JDK's. */
    static SslProvider provider(SslProviderKind kind, String hostLabel) {
        if (kind == SslProviderKind.JDK) {
            return SslProvider.JDK;
        }
        if (kind == SslProviderKind.AUTO) {
            return OpenSslSupport.AVAILABLE ? SslProvider.OPENSSL : SslProvider.JDK;
        }
        if (!OpenSslSupport.AVAILABLE) {
            throw new PgConfigException(hostLabel, "sslprovider", "openssl", "sslprovider=openssl requested, but Netty's OpenSSL is not available"
                    + " (add io.netty:netty-tcnative-boringssl-static for this platform): " + OpenSsl.unavailabilityCause(),
                    OpenSsl.unavailabilityCause());
        }
        return SslProvider.OPENSSL;
    }

    /** Probed once; touching OpenSsl without netty-tcnative on the classpath must not fail {@code auto}. */
    private static final class OpenSslSupport {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try {
                return OpenSsl.isAvailable();
            } catch (Throwable notOnClasspath) {
                return false;
            }
        }
    }
}
