package io.pgconn.config;


/**
 * libpq's <a href="https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION">sslmode</a>:
 * whether TLS is tried, required and verified, and which fallback attempt follows a failure.
 */
public enum SslMode implements LibpqValue {
    /** Plaintext only. */
    DISABLE("disable"),
    /** Plaintext first; if that attempt fails, a new attempt with TLS. */
    ALLOW("allow"),
    /** TLS first; on 'N' plaintext on the same socket; if TLS or anything after it fails, a new plaintext attempt. */
    PREFER("prefer"),
    /** TLS only; the chain is verified only when a root certificate file exists (then as verify-ca). */
    REQUIRE("require"),
    /** TLS; the chain must verify against {@code sslrootcert}. */
    VERIFY_CA("verify-ca"),
    /** verify-ca plus a host-name check against the host name; a host given by {@code hostaddr} alone has none and is refused (libpq). */
    VERIFY_FULL("verify-full");

    private final String libpqName;

    SslMode(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static SslMode parse(String value) {
        return LibpqValue.parse(SslMode.class, "sslmode", value);
    }

    /** Whether the first attempt on a host starts with TLS. */
    public boolean startsWithTls() {
        return this == PREFER || this.requiresTls();
    }

    /** Whether a connection without TLS is unacceptable. */
    public boolean requiresTls() {
        return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** Whether a server answering 'N' to SSLRequest may be used in plaintext on the same socket. */
    public boolean acceptsPlaintextAfterRefusal() {
        return this == PREFER;
    }

    /**
     * Whether a failed first attempt is followed by a second attempt with the other encryption
     * (allow: plaintext then TLS; prefer: TLS then plaintext).
     */
    public boolean hasFallbackAttempt() {
        return this == ALLOW || this == PREFER;
    }

    /**
     * Whether the certificate chain must verify. The verify modes always do; allow, prefer and require
     * do when a root certificate file exists (libpq loads {@code sslrootcert}, or
     * {@code ~/.postgresql/root.crt}, whenever the file is there, and then verifies the chain as
     * verify-ca does — a failure is a failed TLS attempt, after which allow/prefer may go on in plaintext).
     */
    public boolean verifiesChain(boolean rootCertFileExists) {
        return this == VERIFY_CA || this == VERIFY_FULL || (this != DISABLE && rootCertFileExists);
    }

    /** Whether the server's certificate must match the host name. */
    public boolean verifiesHost() {
        return this == VERIFY_FULL;
    }
}
