package io.pgconn.testkit;

/** Which certificate a TLS-enabled server presents; switchable at runtime. */
public enum ServerCertificate {
    /** Signed by the trusted test CA, SAN DNS:localhost, IP:127.0.0.1, IP:::1. */
    TRUSTED,
    /** Valid names (localhost), but signed by a second CA that clients do not trust. */
    UNTRUSTED_CA,
    /** Signed by the trusted CA, but for DNS:wrong.example only: fails hostname verification. */
    WRONG_HOST
}
