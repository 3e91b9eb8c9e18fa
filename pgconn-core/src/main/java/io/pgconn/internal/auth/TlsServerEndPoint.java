package io.pgconn.internal.auth;

import io.pgconn.PgAuthenticationException;

import java.io.ByteArrayInputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;
import java.util.Map;

/**
 * Channel-binding data of type {@code tls-server-end-point}
 * (<a href="https://www.rfc-editor.org/rfc/rfc5929#section-4.1">RFC 5929 §4.1</a>), used by
 * SCRAM-SHA-256-PLUS (<a href="https://www.postgresql.org/docs/current/sasl-authentication.html">PostgreSQL SASL</a>):
 * the hash of the server's DER certificate, with the hash function of the certificate's
 * signature algorithm, except that MD5 and SHA-1 are replaced by SHA-256.
 *
 * <ul>
 *   <li>RSA, ECDSA, DSA: the hash is named by the signature OID (SHA-224/256/384/512, SHA3-*).</li>
 *   <li>RSASSA-PSS: the hash comes from the signature parameters, as OpenSSL's
 *       {@code X509_get_signature_info} (which the server uses) reads it.</li>
 *   <li>Unknown algorithms: SHA-256, the RFC's floor.</li>
 *   <li>Ed25519/Ed448 sign without a separate hash, so RFC 5929 defines no binding; PostgreSQL
 *       fails there too. {@link #hash} throws {@link PgAuthenticationException}.</li>
 * </ul>
 */
public final class TlsServerEndPoint {

    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";

    /** Signature OID → hash, for the algorithms a PostgreSQL server certificate realistically uses. */
    private static final Map<String, String> HASH_BY_SIGNATURE_OID = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.4", "MD5"),       // md5WithRSAEncryption
            Map.entry("1.2.840.113549.1.1.5", "SHA-1"),     // sha1WithRSAEncryption
            Map.entry("1.2.840.10040.4.3", "SHA-1"),        // dsa-with-sha1
            Map.entry("1.2.840.10045.4.1", "SHA-1"),        // ecdsa-with-SHA1
            Map.entry("1.2.840.113549.1.1.14", "SHA-224"),  // sha224WithRSAEncryption
            Map.entry("1.2.840.113549.1.1.11", "SHA-256"),
            Map.entry("1.2.840.113549.1.1.12", "SHA-384"),
            Map.entry("1.2.840.113549.1.1.13", "SHA-512"),
            Map.entry("1.2.840.10045.4.3.1", "SHA-224"),    // ecdsa-with-SHA224
            Map.entry("1.2.840.10045.4.3.2", "SHA-256"),
            Map.entry("1.2.840.10045.4.3.3", "SHA-384"),
            Map.entry("1.2.840.10045.4.3.4", "SHA-512"),
            Map.entry("2.16.840.1.101.3.4.3.1", "SHA-224"), // dsa-with-sha224
            Map.entry("2.16.840.1.101.3.4.3.2", "SHA-256"), // dsa-with-sha256
            Map.entry("2.16.840.1.101.3.4.3.9", "SHA3-224"), // ecdsa-with-sha3-*
            Map.entry("2.16.840.1.101.3.4.3.10", "SHA3-256"),
            Map.entry("2.16.840.1.101.3.4.3.11", "SHA3-384"),
            Map.entry("2.16.840.1.101.3.4.3.12", "SHA3-512"),
            Map.entry("2.16.840.1.101.3.4.3.13", "SHA3-224"), // rsassa-pkcs1-v1_5-with-sha3-*
            Map.entry("2.16.840.1.101.3.4.3.14", "SHA3-256"),
            Map.entry("2.16.840.1.101.3.4.3.15", "SHA3-384"),
            Map.entry("2.16.840.1.101.3.4.3.16", "SHA3-512"));

    private static final Map<String, String> NO_HASH_DEFINED = Map.of(
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private TlsServerEndPoint() {
    }

    /** The {@code tls-server-end-point} hash of a DER certificate; see the class comment. */
    public static byte[] hash(byte[] certificateDer) {
        return hash(null, certificateDer);
    }

    /** As {@link #hash(byte[])}, naming {@code host} in failures. */
    public static byte[] hash(String host, byte[] certificateDer) {
        X509Certificate certificate = parse(host, certificateDer);
        String algorithm = hashAlgorithm(host, certificate);
        try {
            return MessageDigest.getInstance(algorithm).digest(certificateDer);
        } catch (GeneralSecurityException e) {
            throw new PgAuthenticationException(host, "cannot compute tls-server-end-point channel binding: "
                    + algorithm + " is not available in this JDK", e);
        }
    }

    /** The digest name {@link #hash} uses for this certificate. */
    static String hashAlgorithm(String host, X509Certificate certificate) {
        String oid = certificate.getSigAlgOID();
        String noHash = NO_HASH_DEFINED.get(oid);
        if (noHash != null) {
            throw new PgAuthenticationException(host, "server certificate is signed with " + noHash
                    + ", for which tls-server-end-point channel binding is not defined (RFC 5929)");
        }
        String hash = RSASSA_PSS.equals(oid)
                ? pssHash(certificate.getSigAlgParams())
                : HASH_BY_SIGNATURE_OID.getOrDefault(oid, hashFromName(certificate.getSigAlgName()));
        // RFC 5929 §4.1: MD5 and SHA-1 are too weak to bind to; use SHA-256 instead.
        return hash == null || hash.equals("MD5") || hash.equals("SHA-1") ? "SHA-256" : hash;
    }

    /** RSASSA-PSS-params (RFC 4055): hashAlgorithm defaults to SHA-1 when absent. */
    private static String pssHash(byte[] params) {
        if (params == null) {
            return "SHA-1";
        }
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
            parameters.init(params);
            return parameters.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm();
        } catch (GeneralSecurityException | java.io.IOException e) {
            return null; // unknown: the SHA-256 floor applies
        }
    }

    /** Last resort for OIDs not in the table: provider names like {@code SHA384withECDSA}. */
    private static String hashFromName(String name) {
        if (name == null) {
            return null;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        int with = upper.indexOf("WITH");
        if (with <= 0) {
            return null;
        }
        String digest = upper.substring(0, with);
        if (digest.startsWith("SHA3")) {
            return digest.contains("-") ? digest : "SHA3-" + digest.substring(4);
        }
        return switch (digest) {
            case "MD5" -> "MD5";
            case "SHA1", "SHA-1" -> "SHA-1";
            case "SHA224", "SHA256", "SHA384", "SHA512" -> "SHA-" + digest.substring(3);
            default -> null;
        };
    }

    private static X509Certificate parse(String host, byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PgAuthenticationException(host,
                    "cannot parse the server certificate for tls-server-end-point channel binding", e);
        }
    }
}
