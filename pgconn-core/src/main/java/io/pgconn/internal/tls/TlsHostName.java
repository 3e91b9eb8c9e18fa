package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;

import java.util.List;

/**
 * The name a host's TLS sends as SNI and checks the server certificate against under
 * {@code sslmode=verify-full}: the host entry's host name. An entry of {@code hostaddr} alone has
 * none, and verify-full then refuses it, as libpq does ("host name must be specified for a verified
 * SSL connection", fe-secure-common.c): the address is not a name the user vouched for. Asked when
 * the host's TLS starts, so the refusal is a {@link PgConfigException} met while connecting, which
 * stops the walk (docs/lifecycle.md §1.2, §2.3).
 */
public final class TlsHostName {

    private TlsHostName() {
    }

    /** The name to use for {@code host}; its address when it has none and {@code mode} does not check names. */
    public static String of(HostSpec host, SslMode mode) {
        String name = host.tlsHostName();
        if (name != null) {
            return name;
        }
        if (mode.verifiesHost()) {
            throw new PgConfigException(host.label(), "host", null, List.of("hostaddr", "sslmode"),
                    "connection to " + host.label() + " failed: host name must be specified for a verified SSL connection:"
                            + " sslmode=" + mode.libpqName() + " checks the server certificate against the host name, and this"
                            + " host has hostaddr=" + host.hostaddr() + " but no host; set host to a name the server"
                            + " certificate carries (hostaddr still says what to dial), or use sslmode=verify-ca", null);
        }
        return host.host();
    }
}
