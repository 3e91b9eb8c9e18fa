package io.pgconn.internal.auth;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Self-signed certificates signed with a chosen algorithm, generated with BouncyCastle. */
final class TestCertificates {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final Map<String, KeyPair> KEYS = new ConcurrentHashMap<>();

    private TestCertificates() {
    }

    /** @param signatureAlgorithm a BouncyCastle name, e.g. {@code SHA384withECDSA}, {@code SHA384withRSAandMGF1} */
    static byte[] selfSigned(String signatureAlgorithm) {
        try {
            KeyPair keys = KEYS.computeIfAbsent(keyType(signatureAlgorithm), TestCertificates::generate);
            X500Name name = new X500Name("CN=pg.example");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, keys.getPublic());
            return builder.build(new JcaContentSignerBuilder(signatureAlgorithm).setProvider(BC).build(keys.getPrivate()))
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A P-256 ECDSA/SHA-256 certificate: fast to make, for tests that need any certificate. */
    static byte[] anyCertificate() {
        return selfSigned("SHA256withECDSA");
    }

    private static String keyType(String signatureAlgorithm) {
        if (signatureAlgorithm.endsWith("ECDSA")) {
            return "EC";
        }
        if (signatureAlgorithm.startsWith("Ed")) {
            return signatureAlgorithm;
        }
        return "RSA";
    }

    private static KeyPair generate(String type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (type.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp384r1"));
            } else if (type.equals("RSA")) {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
