package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.testkit.ClientCertificate;
import io.pgconn.testkit.PgTls;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/** Java key stores (a JKS trust store, a PKCS#12 key store) made from the testkit's PEM files. */
final class SslBundleStores {

    static final String STORE_PASSWORD = "store-Pa55";

    private SslBundleStores() {
    }

    /** A JKS trust store holding the testkit CA. */
    static Path jksTrustStore(PgTls tls, Path directory) {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            PemSslStore pem = PemSslStore.load(PemSslStoreDetails.forCertificate("file:" + tls.caCertificate()));
            store.setCertificateEntry("ca", pem.certificates().get(0));
            return write(store, directory.resolve("trust.jks"));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 key store holding {@code client}'s certificate and key. */
    static Path pkcs12KeyStore(ClientCertificate client, Path directory) {
        PemSslStore pem = PemSslStore.load(PemSslStoreDetails.forCertificate("file:" + client.certificate())
                .withPrivateKey("file:" + client.keyPkcs8Pem()));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", pem.privateKey(), STORE_PASSWORD.toCharArray(),
                    pem.certificates().toArray(new java.security.cert.Certificate[0]));
            return write(store, directory.resolve("client.p12"));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(KeyStore store, Path file) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return file;
    }
}
