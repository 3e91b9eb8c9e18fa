package io.pgconn.config;


/** libpq's {@code sslnegotiation}: SSLRequest first ({@code postgres}) or TLS at once with ALPN ({@code direct}, PostgreSQL 17+). */
public enum SslNegotiation implements LibpqValue {
    POSTGRES("postgres"),
    DIRECT("direct");

    private final String libpqName;

    SslNegotiation(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static SslNegotiation parse(String value) {
        return LibpqValue.parse(SslNegotiation.class, "sslnegotiation", value);
    }
}
