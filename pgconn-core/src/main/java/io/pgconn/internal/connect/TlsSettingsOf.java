package io.pgconn.internal.connect;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.SslCertMode;
import io.pgconn.internal.tls.TlsSettings;

/**
 * The TLS part of a {@link ConnConfig}. The root certificate is {@code sslrootcert}, else libpq's
 * default {@code ~/.postgresql/root.crt} — used only if that file exists (see {@link TlsSettings#verifiesChain()});
 * the client certificate and key likewise {@code sslcert}/{@code sslkey}, else {@code ~/.postgresql/postgresql.crt}
 * and {@code .key} — a certificate is sent only if its file exists (see {@code ClientCredentials}).
 */
final class TlsSettingsOf {

    private TlsSettingsOf() {
    }

    static TlsSettings config(ConnConfig config) {
        return new TlsSettings(config.sslMode(), config.sslNegotiation(), config.sslRootCertOrDefault(),
                // sslcertmode=disable: no client certificate, whatever files exist (libpq) or key manager was given
                config.sslCertMode() == SslCertMode.DISABLE ? null : config.sslCertOrDefault(), config.sslKeyOrDefault(),
                config.sslPassword(), config.sslSni(), config.sslMinProtocolVersion(), config.sslMaxProtocolVersion(),
                config.sslProvider(), config.sslCrlOrDefault(), config.sslCrlDir());
    }
}
