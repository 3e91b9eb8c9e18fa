package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslStoreBundle;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * REVIEW-20 S4: a handshake chooses its client alias, then asks for that alias's certificate chain and private key in
 * separate calls (Netty's OpenSslKeyMaterialProvider does); an SSL bundle reload between them paired the old
 * certificate with the new key when both bundles use the same alias (the usual case). The calls here are driven in
 * that interleaving, with stand-in key managers for two generations of a bundle that both call their entry "client".
 * Seen failing before the fix: the chain came from before the reload, the key from after it.
 */
class ReloadingSslBundleManagersTest {

    /** A bundle with a key store whose one entry, "client", holds {@code chain} and {@code key}. */
    private static SslBundle bundle(X509Certificate[] chain, PrivateKey key) {
        X509ExtendedKeyManager keys = mock(X509ExtendedKeyManager.class);
        when(keys.chooseEngineClientAlias(any(), any(), any())).thenReturn("client");
        when(keys.getClientAliases(any(), any())).thenReturn(new String[] {"client"});
        when(keys.getCertificateChain("client")).thenReturn(chain);
        when(keys.getPrivateKey("client")).thenReturn(key);
        SslManagerBundle managers = mock(SslManagerBundle.class);
        when(managers.getKeyManagers()).thenReturn(new KeyManager[] {keys});
        when(managers.getTrustManagers()).thenReturn(new TrustManager[] {mock(X509ExtendedTrustManager.class)});
        SslStoreBundle stores = mock(SslStoreBundle.class);
        when(stores.getKeyStore()).thenReturn(mock(KeyStore.class));
        SslBundle bundle = mock(SslBundle.class);
        when(bundle.getStores()).thenReturn(stores);
        when(bundle.getManagers()).thenReturn(managers);
        return bundle;
    }

    private final X509Certificate[] oldChain = {mock(X509Certificate.class)};

    private final PrivateKey oldKey = mock(PrivateKey.class);

    private final X509Certificate[] newChain = {mock(X509Certificate.class)};

    private final PrivateKey newKey = mock(PrivateKey.class);

    private final ReloadingSslBundleManagers managers = ReloadingSslBundleManagers.of("db", bundle(oldChain, oldKey));

    private final X509ExtendedKeyManager keyManager =
            (X509ExtendedKeyManager) managers.keyManagerFactory().getKeyManagers()[0];

    private String chooseAlias() {
        return keyManager.chooseEngineClientAlias(new String[] {"RSA"}, null, mock(SSLEngine.class));
    }

    @Test
    void aHandshakeThatSpansAReloadUsesOneGenerationsCertificateAndKey() {
        String alias = chooseAlias();
        X509Certificate[] chain = keyManager.getCertificateChain(alias);
        managers.reload(bundle(newChain, newKey)); // between the chain and the key, as OpenSslKeyMaterialProvider asks
        PrivateKey key = keyManager.getPrivateKey(alias);
        assertThat(chain).isSameAs(oldChain);
        assertThat(key).as("the key of the certificate the handshake sent").isSameAs(oldKey);

        String afterTheReload = chooseAlias();
        assertThat(keyManager.getCertificateChain(afterTheReload)).isSameAs(newChain);
        assertThat(keyManager.getPrivateKey(afterTheReload)).isSameAs(newKey);
    }

    @Test
    void aReloadBetweenTheAliasAndTheChainStillGivesTheChosenGenerationsMaterial() {
        String alias = chooseAlias();
        managers.reload(bundle(newChain, newKey));
        assertThat(keyManager.getCertificateChain(alias)).isSameAs(oldChain);
        assertThat(keyManager.getPrivateKey(alias)).isSameAs(oldKey);
    }

    /** Only the generation before the current one is kept: an alias two reloads old is unknown (null, never a mix). */
    @Test
    void anAliasTwoReloadsOldIsNoLongerKnown() {
        String alias = chooseAlias();
        managers.reload(bundle(newChain, newKey));
        managers.reload(bundle(new X509Certificate[] {mock(X509Certificate.class)}, mock(PrivateKey.class)));
        assertThat(keyManager.getCertificateChain(alias)).isNull();
        assertThat(keyManager.getPrivateKey(alias)).isNull();
        // an alias the bundle's own manager uses, without a generation, goes to the current one
        assertThat(keyManager.getClientAliases("RSA", null)).singleElement().satisfies(tagged ->
                assertThat(keyManager.getPrivateKey(tagged)).isNotNull());
    }
}
