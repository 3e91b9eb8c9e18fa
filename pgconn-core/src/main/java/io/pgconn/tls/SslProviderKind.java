package io.pgconn.tls;

import io.pgconn.config.LibpqValue;

/** Which TLS implementation carries the connection: the JDK's, or Netty's OpenSSL (BoringSSL static) when on the classpath. */
public enum SslProviderKind implements LibpqValue {
    JDK("jdk"),
    OPENSSL("openssl");

    private final String libpqName;

    SslProviderKind(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static SslProviderKind parse(String value) {
        return LibpqValue.parse(SslProviderKind.class, "sslprovider", value);
    }
}
