package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import javax.net.ssl.TrustManagerFactory;

/**
 * {@code pg.conn.ssl.bundle}: trust and client key material from one of Boot's SSL bundles
 * ({@code spring.ssl.bundle.pem.*} or {@code spring.ssl.bundle.jks.*}), handed to the factory in
 * memory, as Boot's other clients take theirs. The bundle's trust store replaces
 * {@code ssl.root-cert}; its key store, when it has one, replaces {@code ssl.cert}/{@code ssl.key}. A bundle Boot
 * reloads ({@code reload-on-update}) reaches the connections opened afterwards ({@link ReloadingSslBundleManagers}).
 */
final class SslBundleTls {

    static final String PROPERTY = "pg.conn.ssl.bundle";

    private SslBundleTls() {
    }

    /** How a TLS failure names the bundle's trust: "server certificate chain not trusted by SSL bundle 'db' (pg.conn.ssl.bundle)". */
    static String trustSource(String name) {
        return "SSL bundle '" + name + "' (" + PROPERTY + ")";
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
        // without a trust store Boot's managers trust the JVM's roots, as sslrootcert=system would; a reload of the bundle
        // reaches the next handshakes (NEW-USER-20 F2), unless its managers are not the JDK's X.509 ones
        ReloadingSslBundleManagers managers = ReloadingSslBundleManagers.of(name, bundle);
        TrustManagerFactory trust = managers != null ? managers.trustManagerFactory() : bundle.getManagers().getTrustManagerFactory();
        // named in a handshake's "chain not trusted by ...": not ssl.root-cert's default file, which is not read (NEW-USER-20 F1)
        builder.trustManagerFactory(trust, trustSource(name));
        if (bundle.getStores().getKeyStore() != null) {
            builder.keyManagerFactory(managers != null ? managers.keyManagerFactory() : bundle.getManagers().getKeyManagerFactory());
        }
        if (managers != null) {
            bundles.addBundleUpdateHandler(name, managers::reload);
        }
    }
}
