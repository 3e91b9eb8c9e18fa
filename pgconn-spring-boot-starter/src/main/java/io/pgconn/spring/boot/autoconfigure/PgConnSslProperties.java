package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.config.SslProviderKind;
import org.jspecify.annotations.Nullable;

import java.nio.file.Path;

/** TLS settings: {@code pg.conn.ssl.*}, a group of {@link PgConnProperties}. */
public class PgConnSslProperties {

    /**
     * Whether and how TLS is used: disable, allow, prefer, require, verify-ca or verify-full.
     * Defaults to prefer.
     */
    private @Nullable SslMode mode;

    /**
     * How TLS starts: postgres (SSLRequest first) or direct (PostgreSQL 17+). Defaults to postgres.
     */
    private @Nullable SslNegotiation negotiation;

    /**
     * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust store and, if it has
     * one, key store are used instead of 'root-cert', 'cert' and 'key'. With a bundle, 'mode'
     * defaults to verify-full.
     */
    private @Nullable String bundle;

    /**
     * PEM file of trusted root certificates, or 'system' for the JVM's trust store.
     */
    private @Nullable Path rootCert;

    /**
     * PEM file of the client certificate.
     */
    private @Nullable Path cert;

    /**
     * PEM file of the client private key.
     */
    private @Nullable Path key;

    /**
     * Password of an encrypted client private key.
     */
    private @Nullable String keyPassword;

    /**
     * Whether to send the host name as TLS Server Name Indication. Defaults to true.
     */
    private @Nullable Boolean sni;

    /**
     * TLS implementation: jdk, openssl (Netty's, with io.netty:netty-tcnative-boringssl-static on the class path) or
     * auto (openssl when it loads, else jdk). Defaults to auto. Core's 'sslProvider'.
     */
    private @Nullable SslProviderKind provider;

    public @Nullable SslMode getMode() {
        return this.mode;
    }

    public void setMode(@Nullable SslMode mode) {
        this.mode = mode;
    }

    public @Nullable SslNegotiation getNegotiation() {
        return this.negotiation;
    }

    public void setNegotiation(@Nullable SslNegotiation negotiation) {
        this.negotiation = negotiation;
    }

    public @Nullable String getBundle() {
        return this.bundle;
    }

    public void setBundle(@Nullable String bundle) {
        this.bundle = bundle;
    }

    public @Nullable Path getRootCert() {
        return this.rootCert;
    }

    public void setRootCert(@Nullable Path rootCert) {
        this.rootCert = rootCert;
    }

    public @Nullable Path getCert() {
        return this.cert;
    }

    public void setCert(@Nullable Path cert) {
        this.cert = cert;
    }

    public @Nullable Path getKey() {
        return this.key;
    }

    public void setKey(@Nullable Path key) {
        this.key = key;
    }

    public @Nullable String getKeyPassword() {
        return this.keyPassword;
    }

    public void setKeyPassword(@Nullable String keyPassword) {
        this.keyPassword = keyPassword;
    }

    public @Nullable Boolean getSni() {
        return this.sni;
    }

    public void setSni(@Nullable Boolean sni) {
        this.sni = sni;
    }

    public @Nullable SslProviderKind getProvider() {
        return this.provider;
    }

    public void setProvider(@Nullable SslProviderKind provider) {
        this.provider = provider;
    }
}
