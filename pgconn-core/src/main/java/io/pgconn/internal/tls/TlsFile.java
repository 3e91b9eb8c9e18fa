package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;

import java.nio.file.Path;

/**
 * The files libpq's TLS settings name, each with what it must hold. Every error about one of them is
 * made here, so that each names the host being connected to, the keyword, the path and what was
 * expected: a connect string may name several files, and a factory may connect to several hosts.
 */
enum TlsFile {

    ROOT_CERT("sslrootcert", "a readable PEM file of the trusted CA certificates (-----BEGIN CERTIFICATE-----), or \"system\""),
    CERT("sslcert", "a readable PEM file of the client certificate and its chain (-----BEGIN CERTIFICATE-----)"),
    KEY("sslkey", "a readable PEM file of the client certificate's private key (PRIVATE KEY, ENCRYPTED PRIVATE KEY with"
            + " sslpassword, RSA PRIVATE KEY or EC PRIVATE KEY), with permissions u=rw (0600) or less, or u=rw,g=r (0640)"
            + " or less if owned by root"),
    CRL("sslcrl", "a readable PEM file of certificate revocation lists (-----BEGIN X509 CRL-----)"),
    CRL_DIR("sslcrldir", "a readable directory of PEM certificate revocation lists named as OpenSSL hashes them (<hash>.r<n>)");

    private final String keyword;
    private final String expected;

    TlsFile(String keyword, String expected) {
        this.keyword = keyword;
        this.expected = expected;
    }

    /** The libpq keyword, e.g. {@code sslkey}. */
    String keyword() {
        return keyword;
    }

    /**
     * "connection to HOST failed: PROBLEM; KEYWORD must name EXPECTED", with the keyword and path as the
     * exception's setting. {@code problem} names the file ({@link #named}).
     */
    PgConfigException error(String hostLabel, Path path, String problem, Throwable cause) {
        String message = (hostLabel == null ? "" : "connection to " + hostLabel + " failed: ") + problem + "; " + keyword
                + " must name " + expected;
        return new PgConfigException(hostLabel, keyword, path == null ? null : path.toString(), message, cause);
    }

    PgConfigException error(String hostLabel, Path path, String problem) {
        return error(hostLabel, path, problem, null);
    }

    /** {@code KEYWORD file "PATH"}, the way every message names the file. */
    String named(Path path) {
        return keyword + " file \"" + path + "\"";
    }
}
