package io.pgconn.config;

/**
 * libpq's {@code sslcertmode} (libpq 16+): whether a client certificate may or must be sent.
 * {@code disable} never sends one; {@code allow} (the default) sends one when the certificate file
 * exists and the server asks; {@code require} fails the connection unless one was sent, that is
 * unless the session is encrypted and the server asked for a certificate and got one.
 */
public enum SslCertMode implements LibpqValue {
    DISABLE("disable"),
    ALLOW("allow"),
    REQUIRE("require");

    private final String libpqName;

    SslCertMode(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static SslCertMode parse(String value) {
        return LibpqValue.parse(SslCertMode.class, "sslcertmode", value);
    }
}
