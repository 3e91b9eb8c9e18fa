package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * {@code pg.conn.ssl.bundle}: trust and client key material from one of Boot's SSL bundles
 * ({@code spring.ssl.bundle.pem.*} or {@code spring.ssl.bundle.jks.*}), handed to the factory in
 * memory, as Boot's other clients take theirs. The bundle's trust store replaces
 * {@code ssl.root-cert}; its key store, when it has one, replaces {@code ssl.cert}/{@code ssl.key}.
 */
final class SslBundleTls {

    static final String PROPERTY = "pg.conn.ssl.bundle";

    private SslBundleTls() {
    }

    static void apply(String name, @Nullable SslBundles bundles, PgConnectionFactory.Builder builder) {
        if (bundles == null) {
            throw new InvalidPgConnPropertyException(PROPERTY, name, "no SslBundles bean: SSL bundles need Spring Boot's"
                    + " SslAutoConfiguration (spring.ssl.bundle.*)", null);
        }
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(name);
        } catch (NoSuchSslBundleException e) {
            throw new InvalidPgConnPropertyException(PROPERTY, name, "no SSL bundle of that name; configured: "
                    + bundles.getBundleNames() + " (spring.ssl.bundle.pem.<name>.* or spring.ssl.bundle.jks.<name>.*)", e);
        }
        // without a trust store Boot's managers trust the JVM's roots, as sslrootcert=system would
        builder.trustManagerFactory(bundle.getManagers().getTrustManagerFactory());
        if (bundle.getStores().getKeyStore() != null) {
            builder.keyManagerFactory(bundle.getManagers().getKeyManagerFactory());
        }
    }
}
