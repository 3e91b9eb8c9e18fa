package io.pgconn.internal.tls;

import java.security.cert.X509Certificate;
import java.util.Objects;

/** What {@link TlsNegotiator#negotiate} ended with, when it did not fail. */
public sealed interface TlsOutcome {

    /**
     * The TLS handshake completed (and passed every check the sslmode asks for).
     *
     * @param protocol    negotiated protocol, e.g. {@code TLSv1.3}
     * @param cipherSuite negotiated cipher suite
     * @param peerLeaf    the server's own (leaf) certificate
     * @param peerLeafDer its DER encoding, which SCRAM's {@code tls-server-end-point} channel binding hashes
     */
    record Encrypted(String protocol, String cipherSuite, X509Certificate peerLeaf, byte[] peerLeafDer)
            implements TlsOutcome {

        public Encrypted {
            Objects.requireNonNull(peerLeaf, "peerLeaf");
            // copied both ways: the DER feeds channel binding, nobody may change it under us
            peerLeafDer = peerLeafDer.clone();
        }

        @Override
        public byte[] peerLeafDer() {
            return peerLeafDer.clone();
        }

        @Override
        public String toString() {
            return "Encrypted[protocol=" + protocol + ", cipherSuite=" + cipherSuite
                    + ", peer=" + peerLeaf.getSubjectX500Principal().getName() + "]";
        }
    }

    /**
     * The server answered 'N' to SSLRequest: it does not do TLS. The connection is still usable in
     * plaintext; whether that is acceptable is the caller's decision
     * ({@link SslMode#acceptsPlaintextAfterRefusal()}).
     */
    record Refused() implements TlsOutcome {
    }
}
