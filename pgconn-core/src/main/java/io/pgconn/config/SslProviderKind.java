package io.pgconn.config;


/**
 * Which TLS implementation carries the connection: the JDK's, Netty's OpenSSL (BoringSSL static,
 * {@code io.netty:netty-tcnative-boringssl-static}), or {@code auto} (the default): OpenSSL when it
 * is on the classpath and loads, else the JDK's. OpenSSL handshakes cost a fraction of the JDK's
 * CPU and need no JIT warm-up (see pgconn-benchmarks/results).
 */
public enum SslProviderKind implements LibpqValue {
    AUTO("auto"),
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
