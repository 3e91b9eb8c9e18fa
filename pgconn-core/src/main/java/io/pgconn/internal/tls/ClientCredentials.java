package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.List;

/**
 * The client certificate chain ({@code sslcert}) and its private key ({@code sslkey}), checked to
 * belong together — as libpq does with {@code SSL_CTX_check_private_key} — so that a mismatch is
 * reported here, by file name, and not as an obscure handshake alert from the server.
 */
record ClientCredentials(PrivateKey key, List<X509Certificate> chain) {

    static ClientCredentials load(TlsSettings settings, String hostLabel) {
        if (settings.cert() == null || settings.key() == null) {
            throw new PgConfigException(hostLabel, settings.cert() == null ? "sslcert" : "sslkey", null, "sslcert and sslkey must be set together (sslcert="
                    + settings.cert() + ", sslkey=" + settings.key() + ")");
        }
        List<X509Certificate> chain = PemFiles.certificates("sslcert", settings.cert(), hostLabel);
        PrivateKey key = PrivateKeys.load(settings.key(), settings.keyPassword(), hostLabel);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new PgConfigException(hostLabel, "sslcert", settings.cert().toString(), "certificate in sslcert file \"" + settings.cert()
                    + "\" does not match private key file \"" + settings.key() + "\"");
        }
        return new ClientCredentials(key, chain);
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsa) {
            return publicKey instanceof RSAKey rsaPublic && rsa.getModulus().equals(rsaPublic.getModulus());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // unknown kind: leave the verdict to the TLS handshake
        }
        try {
            // a public key has no cheap "derive from private"; a test signature proves the pair instead
            byte[] probe = "pgconn key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
