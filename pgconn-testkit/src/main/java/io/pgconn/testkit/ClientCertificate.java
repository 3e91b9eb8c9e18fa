package io.pgconn.testkit;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client certificate (CN = user) and its private key in the formats clients read. All key files are 0600.
 */
public final class ClientCertificate {

    private final String user;
    private final Path certificate;
    private final Path pkcs8Pem;
    private final Path pkcs1Pem;
    private final Path pkcs8Der;
    private final PrivateKey key;
    private final Path base;
    private final Map<String, Path> encrypted = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger legacyCount = new java.util.concurrent.atomic.AtomicInteger();

    ClientCertificate(String user, Path certificate, Path pkcs8Pem, Path pkcs1Pem, Path pkcs8Der, PrivateKey key,
                      Path base) {
        this.user = user;
        this.certificate = certificate;
        this.pkcs8Pem = pkcs8Pem;
        this.pkcs1Pem = pkcs1Pem;
        this.pkcs8Der = pkcs8Der;
        this.key = key;
        this.base = base;
    }

    /** @return the user name in the certificate's CN */
    public String user() {
        return user;
    }

    /** @return the certificate, PEM */
    public Path certificate() {
        return certificate;
    }

    /** @return the key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) */
    public Path keyPkcs8Pem() {
        return pkcs8Pem;
    }

    /** @return the key as unencrypted PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}) */
    public Path keyPkcs1Pem() {
        return pkcs1Pem;
    }

    /** @return the key as unencrypted PKCS#8 DER (the {@code .pk8} pgjdbc reads as {@code sslkey}) */
    public Path keyPkcs8Der() {
        return pkcs8Der;
    }

    /**
     * The key as encrypted PKCS#8 PEM ({@code BEGIN ENCRYPTED PRIVATE KEY}; PBES2 with PBKDF2-HMAC-SHA256 and
     * AES-256-CBC, as OpenSSL writes it); written on first request for each password.
     *
     * @param password the passphrase
     * @return the file
     */
    public Path keyPkcs8EncryptedPem(String password) {
        return encrypted.computeIfAbsent(password, pw -> {
            Path file = base.resolveSibling(base.getFileName() + ".enc-" + (encrypted.size() + 1) + ".pem");
            Os.write(file, PgTls.encryptedPkcs8Pem(key, pw), "rw-------");
            return file;
        });
    }

    /**
     * The key in OpenSSL's legacy encrypted PEM ({@code BEGIN RSA PRIVATE KEY} with {@code Proc-Type: 4,ENCRYPTED}
     * and {@code DEK-Info}), as {@code openssl rsa -aes256 -traditional} writes it; a new file per call.
     *
     * @param cipher   the DEK-Info cipher, e.g. {@code AES-256-CBC} or {@code DES-EDE3-CBC}
     * @param password the passphrase
     * @return the file
     */
    public Path keyLegacyEncryptedPem(String cipher, String password) {
        Path file = base.resolveSibling(base.getFileName() + ".legacy-" + cipher.toLowerCase(java.util.Locale.ROOT) + "-"
                + legacyCount.incrementAndGet() + ".pem");
        Os.write(file, PgTls.legacyEncryptedPem(key, cipher, password), "rw-------");
        return file;
    }

    @Override
    public String toString() {
        return "ClientCertificate[CN=" + user + ", " + certificate + "]";
    }
}
