package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.PropertyResolver;

import java.nio.file.Path;
import java.util.List;

/**
 * Adapts {@code pg.conn.*} to {@link PgConnConnectionDetails}: the URL, overridden by the
 * discrete properties, resolved once (so a bad value fails start-up).
 */
final class PropertiesPgConnConnectionDetails implements PgConnConnectionDetails {

    private final ConnConfig resolved;

    PropertiesPgConnConnectionDetails(PgConnProperties properties, PropertyResolver environment) {
        this.resolved = ConnConfigAssembler.identity(properties, environment);
    }

    /** The configured hosts; empty when nothing names one (the factory then fails start-up). */
    @Override
    public List<HostSpec> getHosts() {
        List<HostSpec> hosts = this.resolved.hosts();
        return hosts.stream().allMatch(ConnConfigAssembler::isNoHost) ? List.of() : hosts;
    }

    @Override
    public String getDatabase() {
        return this.resolved.database();
    }

    @Override
    public String getUsername() {
        return this.resolved.user();
    }

    @Override
    public @Nullable String getPassword() {
        return this.resolved.password();
    }

    @Override
    public Tls getTls() {
        Path cert = this.resolved.sslCert();
        Path key = this.resolved.sslKey();
        return new Tls(this.resolved.sslMode(), this.resolved.sslRootCert(), cert, key, this.resolved.sslPassword());
    }

    @Override
    public String toString() {
        return "PropertiesPgConnConnectionDetails[hosts=" + getHosts() + ", database=" + getDatabase() + ", username="
                + getUsername() + ", tls=" + getTls() + "]";
    }
}
