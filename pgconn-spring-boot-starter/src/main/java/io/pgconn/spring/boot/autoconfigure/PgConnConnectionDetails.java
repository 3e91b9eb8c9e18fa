package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and as whom to connect: the details that identify a PostgreSQL service. By default they
 * come from {@code pg.conn.*} (URL, then discrete properties); a bean of this type replaces
 * them, e.g. one created by {@code @ServiceConnection} for a Testcontainers PostgreSQL container,
 * or an application's own bean for an embedded cluster with its own CA file. Behaviour settings
 * ({@code target-session-attrs}, timeouts, ...) still come from the properties.
 */
public interface PgConnConnectionDetails extends ConnectionDetails {

    /** Servers to try, in order; an empty list leaves the hosts to {@code pg.conn.url} or the default. */
    List<HostSpec> getHosts();

    /** Database name, or {@code null} for the URL's or the default (the user name). */
    @Nullable String getDatabase();

    /** Login user, or {@code null} for the URL's or the default. */
    @Nullable String getUsername();

    /** Login password, or {@code null} for none (the URL's, or {@code .pgpass}). */
    @Nullable String getPassword();

    /** TLS settings, or {@code null} to leave them to {@code pg.conn.ssl.*} and the URL. */
    default @Nullable Tls getTls() {
        return null;
    }

    /**
     * TLS settings of a service; a {@code null} component leaves that setting to {@code pg.conn.ssl.*}
     * and the URL. {@link #toString()} hides the key password.
     *
     * @param mode        libpq's {@code sslmode}
     * @param rootCert    PEM file of trusted roots, or {@code "system"}
     * @param cert        PEM file of the client certificate
     * @param key         PEM file of the client private key
     * @param keyPassword password of an encrypted {@code key}
     */
    record Tls(@Nullable SslMode mode, @Nullable String rootCert, @Nullable Path cert, @Nullable Path key,
               @Nullable String keyPassword) {

        /** TLS required, the chain verified against {@code rootCert} and the host name checked. */
        public static Tls verifyFull(Path rootCert) {
            return new Tls(SslMode.VERIFY_FULL, rootCert.toString(), null, null, null);
        }

        /** Only {@code sslmode}. */
        public static Tls mode(SslMode mode) {
            return new Tls(mode, null, null, null, null);
        }

        @Override
        public String toString() {
            return "Tls[mode=" + (mode == null ? null : mode.libpqName()) + ", rootCert=" + rootCert + ", cert=" + cert
                    + ", key=" + key + (keyPassword != null ? ", keyPassword=***" : "") + "]";
        }
    }
}
