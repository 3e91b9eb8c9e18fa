package io.pgconn.internal.connect;

import io.pgconn.config.ConnConfig;
import io.pgconn.internal.tls.TlsSettings;

/**
 * The TLS part of a {@link ConnConfig}. The root certificate is {@code sslrootcert}, else libpq's
 * default {@code ~/.postgresql/root.crt} — used only if that file exists (see {@link TlsSettings#verifiesChain()}).
 */
final class TlsSettingsOf {

    private TlsSettingsOf() {
    }

    static TlsSettings config(ConnConfig config) {
        return new TlsSettings(config.sslMode(), config.sslNegotiation(), config.sslRootCertOrDefault(), config.sslCert(), config.sslKey(),
                config.sslPassword(), config.sslSni(), config.sslMinProtocolVersion(), config.sslMaxProtocolVersion(),
                config.sslProvider());
    }
}
