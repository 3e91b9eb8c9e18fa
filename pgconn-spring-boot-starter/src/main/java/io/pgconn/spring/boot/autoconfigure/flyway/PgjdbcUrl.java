package io.pgconn.spring.boot.autoconfigure.flyway;

import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import org.jspecify.annotations.Nullable;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A pgjdbc URL for migrations, from a factory's {@link ConnConfig}: every host in order, the database, always
 * {@code targetServerType=primary} (migrations write, whatever {@code target_session_attrs} the factory has), and
 * the TLS settings pgjdbc spells alike ({@code sslmode}, {@code sslrootcert}, {@code sslNegotiation},
 * {@code channelBinding}). Never the password nor the user: they travel as the connection details' own fields.
 * A setting pgjdbc cannot take from a URL the same way (an SSL bundle, a client certificate or key, which pgjdbc
 * reads in other formats, {@code sslrootcert=system}, a Unix socket, a CRL) is refused with the property that set
 * it, rather than migrating over a weaker connection than the application's.
 */
final class PgjdbcUrl {

    private PgjdbcUrl() {
    }

    /** {@code sslBundle}: {@code pg.conn.ssl.bundle}, or {@code null}. */
    static String of(ConnConfig config, @Nullable String sslBundle) {
        refuse("pg.conn.ssl.bundle", sslBundle, "no SSL bundle: pgjdbc takes the trust store as a file "
                + "(pg.conn.ssl.root-cert); or set spring.flyway.url/user/password");
        refuse("pg.conn.ssl.cert (sslcert)", config.sslCert(), "no client certificate: pgjdbc reads its key in other formats "
                + "(PKCS#8 DER, PKCS#12); set spring.flyway.url/user/password");
        refuse("pg.conn.ssl.key (sslkey)", config.sslKey(), "no client key (see pg.conn.ssl.cert); set spring.flyway.url/user/password");
        refuse("pg.conn.url (sslcrl)", config.sslCrl(), "no CRL: pgjdbc has no such setting; set spring.flyway.url/user/password");
        refuse("pg.conn.url (sslcrldir)", config.sslCrlDir(), "no CRL directory: pgjdbc has no such setting; "
                + "set spring.flyway.url/user/password");
        if ("system".equals(config.sslRootCert())) {
            throw new InvalidPgConnPropertyException("pg.conn.ssl.root-cert", "system",
                    "a PEM file for migrations: pgjdbc has no sslrootcert=system; or set spring.flyway.url/user/password",
                    null);
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        List<String> hosts = new ArrayList<>();
        for (HostSpec host : config.hosts()) {
            if (host.isUnixSocket()) {
                throw new InvalidPgConnPropertyException("pg.conn.hosts", host.label(),
                        "TCP hosts for migrations: pgjdbc does not dial Unix sockets; set spring.flyway.url/user/password",
                        null);
            }
            // the name, as libpq checks it against the certificate: pgjdbc has no hostaddr and resolves it itself
            String name = host.host();
            hosts.add((name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + host.port());
        }
        url.append(String.join(",", hosts)).append('/');
        if (config.database() != null) {
            url.append(encode(config.database()));
        }
        url.append("?targetServerType=primary");
        SslMode mode = config.sslMode();
        if (mode != null) {
            url.append("&sslmode=").append(mode.libpqName());
        }
        if (config.sslRootCert() != null) {
            url.append("&sslrootcert=").append(encode(config.sslRootCert()));
        }
        if (config.sslNegotiation() == SslNegotiation.DIRECT) {
            url.append("&sslNegotiation=direct");
        }
        ChannelBindingMode channelBinding = config.channelBinding();
        if (channelBinding != ChannelBindingMode.PREFER) {
            url.append("&channelBinding=").append(channelBinding.libpqName());
        }
        return url.toString();
    }

    private static void refuse(String property, @Nullable Object value, String expected) {
        if (value != null) {
            throw new InvalidPgConnPropertyException(property, value.toString(), expected, null);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
