package io.pgconn.internal.connect;

import io.pgconn.PgTlsException;
import io.pgconn.config.SslMode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WARN when {@code sslmode=prefer} went on in plaintext because the TLS attempt failed — a server certificate
 * chain the root certificate does not trust, a handshake error — rather than because the server has no TLS (its 'N'
 * answer, libpq's ordinary case, stays quiet). libpq says nothing there; an application that set a root certificate
 * meant to verify, and a man-in-the-middle that breaks the handshake gets plaintext (NEW-USER-20 F9: the application
 * ran unencrypted with no line anywhere). Once per host and failure message, until a TLS connect to the host works
 * again: not once per connect of a pool.
 */
final class PlaintextFallbackLog {

    private static final System.Logger LOG = System.getLogger(PlaintextFallbackLog.class.getName());

    /** Host label → the TLS failure last logged for it. */
    private final Map<String, String> logged = new ConcurrentHashMap<>();

    /** A plaintext attempt to {@code host} succeeded after the TLS attempt failed with {@code tlsFailure}. */
    void plaintextAfter(String host, SslMode mode, Throwable tlsFailure) {
        if (!(tlsFailure instanceof PgTlsException)) {
            return; // e.g. pg_hba.conf refused the TLS session (hostnossl): libpq's documented fallback, nothing failed in TLS
        }
        String reason = String.valueOf(tlsFailure.getMessage());
        if (reason.equals(logged.put(host, reason))) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "connection to " + host + " is not encrypted: sslmode=" + mode.libpqName()
                + " went on in plaintext because TLS failed: " + reason
                + " (use sslmode=verify-full, or require, to refuse plaintext)");
    }

    /** A TLS connect to {@code host} worked: a later fallback is logged again. */
    void encrypted(String host) {
        logged.remove(host);
    }
}
