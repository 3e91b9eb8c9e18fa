package io.pgconn.internal.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * Whether a client certificate is sent at all: only when the {@code sslcert} file (libpq's default
     * {@code ~/.postgresql/postgresql.crt} when unset) exists. libpq
     * {@code stat()}s it and, when it is absent, sends no certificate and ignores {@code sslkey} — the
     * server then decides (a {@code cert} rule in pg_hba.conf refuses, any other method goes on).
     */
    static boolean certificateFileExists(TlsSettings settings) {
        return settings.certFileExists();
    }

    /** The certificate chain and its key; call only when {@link #certificateFileExists} holds. */
    static ClientCredentials load(TlsSettings settings, String hostLabel) {
        if (settings.key() == null) {
            // libpq: "certificate present, but not private key file"
            throw TlsFile.KEY.error(hostLabel, null, TlsFile.CERT.named(settings.cert()) + " is present, but no private key file is set (sslkey)");
        }
        if (!Files.exists(settings.key())) {
            // libpq's words; with the default files this is the one error a present postgresql.crt can cause by itself
            throw TlsFile.KEY.error(hostLabel, settings.key(), "certificate present, but not private key file \"" + settings.key()
                    + "\" (" + TlsFile.CERT.named(settings.cert()) + "; set sslkey, or remove the certificate file)");
        }
        List<X509Certificate> chain = PemFiles.certificates(TlsFile.CERT, settings.cert(), hostLabel);
        PrivateKey key = PrivateKeys.load(settings.key(), settings.keyPassword(), hostLabel);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw TlsFile.CERT.error(hostLabel, settings.cert(), "the certificate in " + TlsFile.CERT.named(settings.cert())
                    + " does not match private key file \"" + settings.key() + "\" (sslkey)");
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
