package io.pgconn.hostile;

import io.pgconn.testkit.PgTls;
import io.pgconn.testkit.ServerCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;

/**
 * TLS for scripted servers: the testkit's throw-away CAs and server certificates ({@link PgTls}),
 * generated once per JVM, turned into server-side {@link SSLContext}s.
 */
final class TlsMaterial {

    private static PgTls tls;
    private static final Map<ServerCertificate, SSLContext> CONTEXTS = new EnumMap<>(ServerCertificate.class);

    private TlsMaterial() {
    }

    static synchronized PgTls tls() {
        if (tls == null) {
            try {
                Path directory = Files.createTempDirectory("pgconn-hostile-tls");
                directory.toFile().deleteOnExit();
                tls = PgTls.generate(directory.resolve("certs"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tls;
    }

    /** {@code sslrootcert=<trusted CA>} for a DSN. */
    static String trustedRoot() {
        return "sslrootcert='" + tls().caCertificate() + "'";
    }

    /** A server context presenting {@code which} (TLS 1.2/1.3, no ALPN). */
    static synchronized SSLContext server(ServerCertificate which) {
        return CONTEXTS.computeIfAbsent(which, w -> {
            try {
                Certificate[] chain;
                try (InputStream in = Files.newInputStream(tls().serverCertificate(w))) {
                    chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
                }
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", privateKey(tls().serverKey(w)), new char[0], chain);
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build a server TLS context for " + w, e);
            }
        });
    }

    private static PrivateKey privateKey(Path pkcs8Pem) throws IOException, GeneralSecurityException {
        String pem = Files.readString(pkcs8Pem);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
