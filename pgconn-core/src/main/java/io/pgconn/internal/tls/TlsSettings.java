package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.config.SslProviderKind;
import io.pgconn.PgConfigException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that decides how one host's TLS is set up: the libpq keywords {@code sslmode},
 * {@code sslnegotiation}, {@code sslrootcert}, {@code sslcert}, {@code sslkey}, {@code sslpassword},
 * {@code sslsni}, {@code ssl_min_protocol_version}, {@code ssl_max_protocol_version}, plus this
 * project's choice of TLS implementation. See
 * <a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLMODE">libpq</a>.
 *
 * <p>A value: equal settings build equal {@link io.netty.handler.ssl.SslContext}s, so a factory may
 * cache one context per settings instance. The files are read when the context is built, not here.
 * Cross-keyword rules that libpq checks before dialling are checked in the constructor.
 *
 * @param mode        sslmode (required)
 * @param negotiation sslnegotiation; {@code null} means {@link SslNegotiation#POSTGRES}
 * @param rootCert    path of a PEM file of trusted CA certificates (it need not exist: see {@link #verifiesChain()}),
 *                    {@link #SYSTEM_ROOT_CERT}, or {@code null}
 * @param cert        client certificate chain (PEM), or {@code null}: no client certificate at all, not even key
 *                    material given to the factory in memory ({@code sslcertmode=disable})
 * @param key         client private key (PEM: PKCS#8, encrypted PKCS#8, PKCS#1 RSA or SEC1 EC), or {@code null}
 * @param keyPassword sslpassword for an encrypted key, or {@code null}; never shown by {@link #toString()}
 * @param sni         sslsni: send the host name as TLS SNI (never for IP literals)
 * @param minProtocol ssl_min_protocol_version; {@code null} means {@code TLSv1.2}
 * @param maxProtocol ssl_max_protocol_version; {@code null} means no upper bound
 * @param provider    TLS implementation; {@code null} means {@link SslProviderKind#AUTO}
 * @param crl         sslcrl (or libpq's default {@code ~/.postgresql/root.crl}): used when it exists and the chain is verified; or {@code null}
 * @param crlDir      sslcrldir: a directory of hashed CRL files, likewise; or {@code null}
 */
public record TlsSettings(
        SslMode mode,
        SslNegotiation negotiation,
        String rootCert,
        Path cert,
        Path key,
        String keyPassword,
        boolean sni,
        String minProtocol,
        String maxProtocol,
        SslProviderKind provider,
        Path crl,
        Path crlDir) {

    /** The {@code sslrootcert} value that selects the JDK's default trust store. */
    public static final String SYSTEM_ROOT_CERT = "system";

    /** libpq's default {@code ssl_min_protocol_version}. */
    public static final String DEFAULT_MIN_PROTOCOL = "TLSv1.2";

    // libpq's accepted names, oldest first; the index is the order used for the min/max range
    private static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** Settings without revocation lists. */
    public TlsSettings(SslMode mode, SslNegotiation negotiation, String rootCert, Path cert, Path key, String keyPassword, boolean sni,
                       String minProtocol, String maxProtocol, SslProviderKind provider) {
        this(mode, negotiation, rootCert, cert, key, keyPassword, sni, minProtocol, maxProtocol, provider, null, null);
    }

    public TlsSettings {
        Objects.requireNonNull(mode, "mode");
        negotiation = negotiation == null ? SslNegotiation.POSTGRES : negotiation;
        rootCert = blankToNull(rootCert);
        minProtocol = canonicalProtocol("ssl_min_protocol_version",
                blankToNull(minProtocol) == null ? DEFAULT_MIN_PROTOCOL : minProtocol);
        maxProtocol = blankToNull(maxProtocol) == null ? null : canonicalProtocol("ssl_max_protocol_version", maxProtocol);
        provider = provider == null ? SslProviderKind.AUTO : provider;

        if (maxProtocol != null && PROTOCOLS.indexOf(maxProtocol) < PROTOCOLS.indexOf(minProtocol)) {
            throw new PgConfigException(null, "ssl_min_protocol_version", minProtocol, "invalid SSL protocol version range: ssl_min_protocol_version="
                    + minProtocol + " is above ssl_max_protocol_version=" + maxProtocol);
        }
        // libpq refuses these combinations before dialling: both promise verification the mode would not do
        if (negotiation == SslNegotiation.DIRECT && !mode.requiresTls()) {
            throw new PgConfigException(null, "sslmode", mode.libpqName(), "weak sslmode \"" + mode.libpqName()
                    + "\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");
        }
        if (SYSTEM_ROOT_CERT.equals(rootCert) && mode != SslMode.VERIFY_FULL) {
            throw new PgConfigException(null, "sslmode", mode.libpqName(), "weak sslmode \"" + mode.libpqName()
                    + "\" may not be used with sslrootcert=system (use \"verify-full\")");
        }
    }

    /** Whether {@code sslrootcert=system} selects the JDK default trust store. */
    public boolean usesSystemTrust() {
        return SYSTEM_ROOT_CERT.equals(rootCert);
    }

    /**
     * Whether the certificate chain must verify: always under verify-ca/verify-full; under allow, prefer
     * and require only when the {@link #rootCert()} file exists — libpq checks with {@code stat()} at
     * connect time, so a root file named but absent means "encrypt, do not verify" there, and so here.
     */
    public boolean verifiesChain() {
        return mode.verifiesChain(rootCertFileExists());
    }

    /** Whether {@link #rootCert()} names the system trust store or a file that exists now. */
    public boolean rootCertFileExists() {
        if (rootCert == null) {
            return false;
        }
        if (usesSystemTrust()) {
            return true;
        }
        try {
            return Files.exists(Path.of(rootCert));
        } catch (InvalidPathException e) {
            return false; // names no file; under a verify mode, reading it reports the bad path
        }
    }

    /**
     * Whether {@link #cert()} names a file that exists now: only then is a client certificate sent
     * (libpq {@code stat()}s it at each connect; absent is no error, the server decides).
     */
    public boolean certFileExists() {
        try {
            return cert != null && Files.exists(cert);
        } catch (SecurityException e) {
            return false;
        }
    }

    /** The TLS protocol names to enable, from {@link #minProtocol()} to {@link #maxProtocol()} inclusive. */
    public List<String> enabledProtocols() {
        int from = PROTOCOLS.indexOf(minProtocol);
        int to = maxProtocol == null ? PROTOCOLS.size() - 1 : PROTOCOLS.indexOf(maxProtocol);
        return PROTOCOLS.subList(from, to + 1);
    }

    /** Like the record's, without the key password. */
    @Override
    public String toString() {
        return "TlsSettings[mode=" + mode.libpqName()
                + ", negotiation=" + negotiation.libpqName()
                + ", rootCert=" + rootCert
                + ", cert=" + cert
                + ", key=" + key
                + ", keyPassword=" + (keyPassword == null ? "null" : "***")
                + ", sni=" + sni
                + ", minProtocol=" + minProtocol
                + ", maxProtocol=" + maxProtocol
                + ", provider=" + provider.libpqName()
                + ", crl=" + crl
                + ", crlDir=" + crlDir + "]";
    }

    private static String canonicalProtocol(String keyword, String value) {
        for (String name : PROTOCOLS) {
            // libpq compares these case-insensitively
            if (name.toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return name;
            }
        }
        throw new PgConfigException(null, keyword, value, "invalid " + keyword + " value: \"" + value
                + "\" (expected one of " + String.join(", ", PROTOCOLS) + ")");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
