package io.pgconn.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throw-away TLS material generated in-process (BouncyCastle) for one cluster, as PEM files on disk:
 * <ul>
 *   <li>a trusted CA ({@link #caCertificate()}) and a second, untrusted CA ({@link #untrustedCaCertificate()});</li>
 *   <li>server certificates for each {@link ServerCertificate}: trusted (SAN DNS:localhost, IP:127.0.0.1,
 *       IP:::1), signed by the untrusted CA, and for the wrong host (SAN DNS:wrong.example, trusted CA);</li>
 *   <li>client certificates (CN = user name) made on request, with the key as PKCS#8 PEM, PKCS#1 PEM,
 *       PKCS#8 DER and encrypted PKCS#8 PEM.</li>
 * </ul>
 * Keys are RSA 2048 (PKCS#1 exists only for RSA); private key files are 0600. Key pairs are reused within
 * a JVM to save time; certificates and CAs are new for every instance.
 */
public final class PgTls {

    static final Provider BC = new BouncyCastleProvider();
    private static final Map<String, KeyPair> KEY_POOL = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final KeyPair caKey;
    private final X509Certificate caCert;
    private final KeyPair untrustedCaKey;
    private final X509Certificate untrustedCaCert;
    private final Map<ServerCertificate, Path[]> serverFiles = new EnumMap<>(ServerCertificate.class);
    private final Map<String, ClientCertificate> clients = new LinkedHashMap<>();

    private PgTls(Path directory) {
        this.directory = directory;
        this.caKey = pooledKey("ca");
        this.caCert = certificate("CN=pgconn-testkit CA", caKey, null, caKey, true, null, List.of());
        this.untrustedCaKey = pooledKey("untrusted-ca");
        this.untrustedCaCert = certificate("CN=pgconn-testkit untrusted CA", untrustedCaKey, null, untrustedCaKey,
                true, null, List.of());
        writeCertificate(caCertificate(), caCert);
        writeCertificate(untrustedCaCertificate(), untrustedCaCert);
        KeyPair serverKey = pooledKey("server");
        List<GeneralName> localhost = List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"));
        writeServer(ServerCertificate.TRUSTED, "server",
                certificate("CN=localhost", serverKey, caCert, caKey, false, KeyPurposeId.id_kp_serverAuth, localhost),
                serverKey.getPrivate());
        writeServer(ServerCertificate.UNTRUSTED_CA, "untrusted-server",
                certificate("CN=localhost", serverKey, untrustedCaCert, untrustedCaKey, false,
                        KeyPurposeId.id_kp_serverAuth, localhost),
                serverKey.getPrivate());
        writeServer(ServerCertificate.WRONG_HOST, "wrong-host-server",
                certificate("CN=wrong.example", serverKey, caCert, caKey, false, KeyPurposeId.id_kp_serverAuth,
                        List.of(new GeneralName(GeneralName.dNSName, "wrong.example"))),
                serverKey.getPrivate());
    }

    /**
     * Generates a new CA pair and server certificates into {@code directory}.
     *
     * @param directory where the PEM files go (created 0700)
     * @return the material
     */
    public static PgTls generate(Path directory) {
        Os.mkdirs(directory, "rwx------");
        return new PgTls(directory);
    }

    /** @return the directory holding all files */
    public Path directory() {
        return directory;
    }

    /** @return PEM of the trusted CA: use as {@code sslrootcert} for verify-ca / verify-full */
    public Path caCertificate() {
        return directory.resolve("ca.pem");
    }

    /** @return PEM of a CA that signed nothing the server presents by default: verification against it fails */
    public Path untrustedCaCertificate() {
        return directory.resolve("untrusted-ca.pem");
    }

    /**
     * @param which the certificate variant
     * @return its PEM certificate file
     */
    public Path serverCertificate(ServerCertificate which) {
        return serverFiles.get(which)[0];
    }

    /**
     * @param which the certificate variant
     * @return its PEM (PKCS#8) private key file, 0600
     */
    public Path serverKey(ServerCertificate which) {
        return serverFiles.get(which)[1];
    }

    /**
     * A certificate revocation list (PEM) signed by the trusted CA, for libpq's {@code sslcrl}: empty, or
     * revoking the server's {@link ServerCertificate#TRUSTED} certificate.
     *
     * @param revokeServer whether the server certificate is on the list
     * @return the PEM file ({@code crl-empty.pem} or {@code crl-server-revoked.pem} in {@link #directory()})
     */
    public synchronized Path revocationList(boolean revokeServer) {
        Path file = directory.resolve(revokeServer ? "crl-server-revoked.pem" : "crl-empty.pem");
        try {
            java.util.Date now = new java.util.Date();
            org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(caCert, now);
            builder.setNextUpdate(new java.util.Date(now.getTime() + 30L * 24 * 3600 * 1000));
            if (revokeServer) {
                X509Certificate server = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(java.nio.file.Files.readAllBytes(
                                serverCertificate(ServerCertificate.TRUSTED))));
                builder.addCRLEntry(server.getSerialNumber(), now, org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            }
            builder.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(java.math.BigInteger.ONE));
            org.bouncycastle.cert.X509CRLHolder crl = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey.getPrivate()));
            Os.write(file, pem(new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(crl)), "rw-r--r--");
            return file;
        } catch (java.io.IOException | java.security.GeneralSecurityException | OperatorCreationException e) {
            throw new PgTestkitException("could not write a revocation list into " + directory, e);
        }
    }

    /**
     * A client certificate with CN = {@code user}, signed by the trusted CA; made on first request.
     *
     * @param user the role name the certificate authenticates
     * @return the certificate and its key files
     */
    public synchronized ClientCertificate clientCertificate(String user) {
        return clients.computeIfAbsent(user, u -> client(u, caCert, caKey, "client-"));
    }

    /**
     * A client certificate with CN = {@code user}, signed by the untrusted CA: the server must refuse it.
     *
     * @param user the role name in the certificate
     * @return the certificate and its key files
     */
    public synchronized ClientCertificate untrustedClientCertificate(String user) {
        return clients.computeIfAbsent("\0untrusted:" + user, u -> client(user, untrustedCaCert, untrustedCaKey,
                "untrusted-client-"));
    }

    private ClientCertificate client(String user, X509Certificate issuer, KeyPair issuerKey, String prefix) {
        KeyPair key = pooledKey("client:" + user);
        X509Certificate cert = certificate("CN=" + user.replace(",", "\\,").replace("=", "\\="), key, issuer,
                issuerKey, false, KeyPurposeId.id_kp_clientAuth, List.of());
        String base = prefix + user.replaceAll("[^A-Za-z0-9_.-]", "_");
        Path crt = directory.resolve(base + ".crt");
        writeCertificate(crt, cert);
        Path pk8Pem = directory.resolve(base + ".pk8.pem");
        Os.write(pk8Pem, pem(pkcs8(key.getPrivate(), null)), "rw-------");
        Path pkcs1 = directory.resolve(base + ".rsa.pem");
        Os.write(pkcs1, pem(key.getPrivate()), "rw-------");
        Path der = directory.resolve(base + ".pk8");
        Os.write(der, key.getPrivate().getEncoded(), "rw-------");
        return new ClientCertificate(user, crt, pk8Pem, pkcs1, der, key.getPrivate(), directory.resolve(base));
    }

    /** Copies the server-side files (server certificates, keys, CA) into a server's own directory. */
    void installServerFiles(Path serverTlsDirectory) {
        Os.mkdirs(serverTlsDirectory, "rwx------");
        try {
            Files.copy(caCertificate(), serverTlsDirectory.resolve("ca.pem"), StandardCopyOption.REPLACE_EXISTING);
            for (Path[] files : serverFiles.values()) {
                for (Path f : files) {
                    Path target = serverTlsDirectory.resolve(f.getFileName());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install TLS files in " + serverTlsDirectory, e);
        }
        Os.chownToServer(serverTlsDirectory);
    }

    // ---------------------------------------------------------------- generation

    private void writeServer(ServerCertificate which, String base, X509Certificate cert, PrivateKey key) {
        Path crt = directory.resolve(base + ".crt");
        Path keyFile = directory.resolve(base + ".key");
        writeCertificate(crt, cert);
        Os.write(keyFile, pem(pkcs8(key, null)), "rw-------");
        serverFiles.put(which, new Path[] {crt, keyFile});
    }

    private static void writeCertificate(Path file, X509Certificate cert) {
        Os.write(file, pem(cert), "rw-r--r--");
    }

    static String pem(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static JcaPKCS8Generator pkcs8(PrivateKey key, OutputEncryptor encryptor) {
        try {
            return new JcaPKCS8Generator(key, encryptor);
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new PgTestkitException("cannot encode a private key", e);
        }
    }

    /** @return PEM of a PKCS#8 key encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) */
    static String encryptedPkcs8Pem(PrivateKey key, String password) {
        try {
            OutputEncryptor enc = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BC)
                    .setRandom(RANDOM)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(2048)
                    .setPassword(password.toCharArray())
                    .build();
            return pem(pkcs8(key, enc));
        } catch (OperatorCreationException e) {
            throw new PgTestkitException("cannot encrypt a private key", e);
        }
    }

    /** @return OpenSSL's legacy encrypted PEM of the traditional (PKCS#1) key: Proc-Type/DEK-Info, EVP_BytesToKey-MD5 */
    static String legacyEncryptedPem(PrivateKey key, String cipher, String password) {
        try {
            return pem(new org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator(key,
                    new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder(cipher).setProvider(BC).setSecureRandom(RANDOM)
                            .build(password.toCharArray())));
        } catch (IOException e) {
            throw new PgTestkitException("cannot encrypt a private key", e);
        }
    }

    private static KeyPair pooledKey(String purpose) {
        return KEY_POOL.computeIfAbsent(purpose, p -> {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048, RANDOM);
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new PgTestkitException("cannot generate an RSA key", e);
            }
        });
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, X509Certificate issuer,
                                               KeyPair issuerKey, boolean ca, KeyPurposeId purpose,
                                               List<GeneralName> altNames) {
        try {
            Instant now = Instant.now();
            X500Name subjectName = new X500Name(subject);
            X500Name issuerName = issuer == null ? subjectName
                    : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))),
                    subjectName, subjectKey.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    issuer == null ? ext.createAuthorityKeyIdentifier(subjectKey.getPublic())
                            : ext.createAuthorityKeyIdentifier(issuer));
            b.addExtension(Extension.keyUsage, true, ca
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (purpose != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (!altNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(new GeneralName[0])));
            }
            return new JcaX509CertificateConverter().setProvider(BC).getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(issuerKey.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new PgTestkitException("cannot create certificate " + subject, e);
        }
    }
}
