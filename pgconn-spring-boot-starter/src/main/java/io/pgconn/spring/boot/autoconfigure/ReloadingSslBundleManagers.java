package io.pgconn.spring.boot.autoconfigure;

import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.ssl.util.TrustManagerFactoryWrapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.SslBundle;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * One SSL bundle's trust and key managers as the factory takes them, following the bundle's reloads
 * ({@code spring.ssl.bundle.*.<name>.reload-on-update: true}; NEW-USER-20 F2: the starter read the bundle once, so a
 * rotated CA or client certificate was used only after a restart, while Boot's other clients take the new one). The
 * factory's TLS context keeps these managers; each handshake asks the current bundle's, so the connections opened
 * after a reload — the pool's, the health monitor's, a failover's — use the new material, and open ones keep theirs.
 * A key store added to or removed from the bundle by a reload is not followed (the factory was built with or without a
 * client certificate): that takes a restart. Wrapped as factories with Netty's {@link TrustManagerFactoryWrapper} and
 * {@link KeyManagerFactoryWrapper}.
 */
final class ReloadingSslBundleManagers {

    private static final Log logger = LogFactory.getLog(ReloadingSslBundleManagers.class);

    private final String name;

    private volatile X509ExtendedTrustManager trust;

    private volatile @Nullable X509ExtendedKeyManager keys;

    private final boolean hasKeys;

    /** @return managers following {@code bundle}'s reloads, or null when its managers are not the JDK's X.509 ones */
    static @Nullable ReloadingSslBundleManagers of(String name, SslBundle bundle) {
        X509ExtendedTrustManager trust = trustOf(bundle);
        boolean hasKeys = bundle.getStores().getKeyStore() != null;
        X509ExtendedKeyManager keys = hasKeys ? keysOf(bundle) : null;
        if (trust == null || hasKeys && keys == null) {
            return null;
        }
        return new ReloadingSslBundleManagers(name, trust, keys, hasKeys);
    }

    private ReloadingSslBundleManagers(String name, X509ExtendedTrustManager trust, @Nullable X509ExtendedKeyManager keys,
            boolean hasKeys) {
        this.name = name;
        this.trust = trust;
        this.keys = keys;
        this.hasKeys = hasKeys;
    }

    /** Boot reloaded the bundle: the next handshakes use {@code bundle}'s material. */
    void reload(SslBundle bundle) {
        X509ExtendedTrustManager newTrust = trustOf(bundle);
        X509ExtendedKeyManager newKeys = this.hasKeys && bundle.getStores().getKeyStore() != null ? keysOf(bundle) : null;
        if (newTrust == null || this.hasKeys && newKeys == null) {
            logger.warn("pgconn: SSL bundle '" + this.name + "' was reloaded, but "
                    + (newTrust == null ? "its trust managers are" : "it has no key store or its key managers are")
                    + " not X.509 ones; new connections keep the material of before the reload");
            return;
        }
        this.trust = newTrust;
        this.keys = newKeys;
        logger.info("pgconn: SSL bundle '" + this.name + "' reloaded: new connections use its new "
                + (this.hasKeys ? "trust and key material" : "trust material") + "; open ones keep theirs");
    }

    TrustManagerFactory trustManagerFactory() {
        return new TrustManagerFactoryWrapper(new CurrentTrust());
    }

    /** Null when the bundle has no key store. */
    @Nullable KeyManagerFactory keyManagerFactory() {
        return this.hasKeys ? new KeyManagerFactoryWrapper(new CurrentKeys()) : null;
    }

    private static @Nullable X509ExtendedTrustManager trustOf(SslBundle bundle) {
        TrustManager[] managers = bundle.getManagers().getTrustManagers();
        return Arrays.stream(managers).filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast).findFirst().orElse(null);
    }

    private static @Nullable X509ExtendedKeyManager keysOf(SslBundle bundle) {
        KeyManager[] managers = bundle.getManagers().getKeyManagers();
        return Arrays.stream(managers).filter(X509ExtendedKeyManager.class::isInstance)
                .map(X509ExtendedKeyManager.class::cast).findFirst().orElse(null);
    }

    /** The current bundle's trust manager, asked at each handshake. */
    private final class CurrentTrust extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trust.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trust.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trust.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trust.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }

    /** The current bundle's key manager, asked at each handshake. */
    private final class CurrentKeys extends X509ExtendedKeyManager {

        private X509ExtendedKeyManager current() {
            X509ExtendedKeyManager current = keys;
            if (current == null) {
                throw new IllegalStateException("SSL bundle '" + name + "' has no key manager");
            }
            return current;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return current().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return current().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return current().chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return current().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return current().getPrivateKey(alias);
        }
    }
}
