package io.pgconn.internal.tls;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Throw-away certificates and PEM files for TLS tests, made with BouncyCastle (test scope only). */
final class TestPki {

    /** A certificate with its key pair. */
    record Issued(X509Certificate certificate, KeyPair keys) {
        PrivateKey key() {
            return keys.getPrivate();
        }
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    static KeyPair ecKeys() {
        return generate("EC", 0);
    }

    static KeyPair rsaKeys() {
        return generate("RSA", 2048);
    }

    static Issued ca(String commonName) {
        KeyPair keys = ecKeys();
        return new Issued(issue("CN=" + commonName, keys, null, true), keys);
    }

    /** A server or client certificate signed by {@code issuer}; {@code subject} is an X.500 name, e.g. {@code CN=db}. */
    static Issued leaf(Issued issuer, String subject, KeyPair keys, GeneralName... subjectAltNames) {
        return new Issued(issue(subject, keys, issuer, false, subjectAltNames), keys);
    }

    static Issued leaf(Issued issuer, String subject, GeneralName... subjectAltNames) {
        return leaf(issuer, subject, ecKeys(), subjectAltNames);
    }

    static GeneralName dns(String name) {
        return new GeneralName(GeneralName.dNSName, name);
    }

    static GeneralName ip(String address) {
        return new GeneralName(GeneralName.iPAddress, address);
    }

    private static X509Certificate issue(String subject, KeyPair keys, Issued issuer, boolean ca, GeneralName... sans) {
        try {
            X500Name subjectName = new X500Name(subject);
            X500Name issuerName = issuer == null ? subjectName
                    : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.key();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), subjectName, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            if (sans.length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            }
            String algorithm = signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
        } catch (Exception e) {
            throw new IllegalStateException("could not issue test certificate " + subject, e);
        }
    }

    // --- PEM text ---

    /** PKCS#1 for RSA ("RSA PRIVATE KEY"), SEC1 for EC ("EC PRIVATE KEY"): OpenSSL's traditional formats. */
    static String traditionalPem(PrivateKey key) {
        if (!key.getAlgorithm().equals("EC")) {
            return pem(key);
        }
        // BouncyCastle's writer drops the curve from SEC1 (it lives in PKCS#8's header); OpenSSL keeps it
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ASN1ObjectIdentifier curve = (ASN1ObjectIdentifier) info.getPrivateKeyAlgorithm().getParameters();
        try {
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            byte[] sec1 = new ECPrivateKey(256, inner.getKey(), curve).getEncoded();
            return pem(new PemObject("EC PRIVATE KEY", sec1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pkcs8Pem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC: what {@code openssl pkcs8 -topk8} writes by default. */
    static String encryptedPkcs8Pem(PrivateKey key, String password) {
        try {
            return pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setProvider(new BouncyCastleProvider()) // for encrypting only: decryption is the JDK's job
                    .setRandom(new SecureRandom())
                    .setPassword(password.toCharArray())
                    .build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * OpenSSL's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info: <cipher>,<IV>}) of the
     * traditional form (PKCS#1 / SEC1), as {@code openssl rsa -aes256 -traditional} writes it; encrypted by
     * BouncyCastle's own EVP_BytesToKey, not by the code under test.
     */
    static String legacyEncryptedPem(PrivateKey key, String cipher, String password) {
        try {
            String plain = traditionalPem(key);
            PemObject block = new org.bouncycastle.util.io.pem.PemReader(new java.io.StringReader(plain)).readPemObject();
            org.bouncycastle.openssl.PEMEncryptor encryptor = new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder(cipher)
                    .setProvider(new BouncyCastleProvider()).setSecureRandom(new SecureRandom()).build(password.toCharArray());
            java.util.List<org.bouncycastle.util.io.pem.PemHeader> headers = java.util.List.of(
                    new org.bouncycastle.util.io.pem.PemHeader("Proc-Type", "4,ENCRYPTED"),
                    new org.bouncycastle.util.io.pem.PemHeader("DEK-Info", encryptor.getAlgorithm() + ","
                            + java.util.HexFormat.of().withUpperCase().formatHex(encryptor.getIV())));
            return pem(new PemObject(block.getType(), headers, encryptor.encrypt(block.getContent())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String certificatesPem(X509Certificate... certificates) {
        StringBuilder text = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            text.append(pem(certificate));
        }
        return text.toString();
    }

    /** Writes {@code text} with owner-only permissions (0600), as libpq wants for keys. */
    static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static KeyPair generate(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(size);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
