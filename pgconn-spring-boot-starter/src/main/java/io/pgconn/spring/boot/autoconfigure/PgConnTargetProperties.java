package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.HostResolverKind;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code pg.conn.*} settings of where a connection lands and as whom: the URL or the hosts, the database and the
 * login, the kind of server wanted, the order hosts are tried in and who looks their names up, and how long finding
 * one may take.
 *
 * <p>One of the groups of {@link PgConnProperties}, the class bound to {@code pg.conn}: a base class of it, not a
 * nested property, so each key keeps its flat name ({@code pg.conn.connect-timeout}) and the generated configuration
 * metadata is what it was before the split (docs/starter.md §1). Package-private: the keys and their accessors are
 * {@code PgConnProperties}' API (javac gives it public bridges of them); not bound by itself.
 */
abstract class PgConnTargetProperties {

    /**
     * Connection string in libpq URI or key=value form, e.g.
     * 'postgresql://db1:5432,db2:5432/app?target_session_attrs=read-write'.
     */
    private @Nullable String url;

    /**
     * Servers to try, in order, each as 'host', 'host:port' or '[ipv6]:port'. Overrides the URL's hosts.
     */
    private List<String> hosts = new ArrayList<>();

    /**
     * Database name. Defaults to the user name.
     */
    private @Nullable String database;

    /**
     * Login user of the database.
     */
    private @Nullable String username;

    /**
     * Login password of the database.
     */
    private @Nullable String password;

    /**
     * Value of 'application_name' sent at startup, shown in pg_stat_activity. Defaults to
     * 'spring.application.name' when that is set and neither this nor the URL names one; empty
     * sends none.
     */
    private @Nullable String applicationName;

    /**
     * Kind of server a connection must land on: any, read-write, read-only, primary,
     * standby or prefer-standby. Defaults to any.
     */
    private @Nullable TargetSessionAttrs targetSessionAttrs;

    /**
     * Order in which hosts are tried: disable (as listed) or random (shuffled on each connect).
     * Defaults to disable.
     */
    private @Nullable LoadBalanceHosts loadBalanceHosts;

    /**
     * Who looks host names up: system (the JDK's resolver, as libpq's getaddrinfo; the JVM caches answers for
     * networkaddress.cache.ttl) or netty-dns (Netty's DNS client, each answer kept for its record's TTL; needs
     * io.netty:netty-resolver-dns on the class path). Defaults to system. Core's 'hostResolver'.
     */
    private @Nullable HostResolverKind hostResolver;

    /**
     * Deadline of a whole connect over all hosts. Zero disables it.
     */
    private @Nullable Duration connectTimeout;

    /**
     * Budget of one attempt on one host (libpq's connect_timeout). Zero disables it.
     */
    private @Nullable Duration hostConnectTimeout;

    /**
     * How long a host's failure or unwanted role is remembered when ordering hosts, and how long
     * the answer of the extension type lookup is reused for the same server, database and user.
     */
    private @Nullable Duration hostRecheckInterval;

    public @Nullable String getUrl() {
        return this.url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    public List<String> getHosts() {
        return this.hosts;
    }

    public void setHosts(List<String> hosts) {
        this.hosts = hosts;
    }

    public @Nullable String getDatabase() {
        return this.database;
    }

    public void setDatabase(@Nullable String database) {
        this.database = database;
    }

    public @Nullable String getUsername() {
        return this.username;
    }

    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    public @Nullable String getPassword() {
        return this.password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    public @Nullable String getApplicationName() {
        return this.applicationName;
    }

    public void setApplicationName(@Nullable String applicationName) {
        this.applicationName = applicationName;
    }

    public @Nullable TargetSessionAttrs getTargetSessionAttrs() {
        return this.targetSessionAttrs;
    }

    public void setTargetSessionAttrs(@Nullable TargetSessionAttrs targetSessionAttrs) {
        this.targetSessionAttrs = targetSessionAttrs;
    }

    public @Nullable LoadBalanceHosts getLoadBalanceHosts() {
        return this.loadBalanceHosts;
    }

    public void setLoadBalanceHosts(@Nullable LoadBalanceHosts loadBalanceHosts) {
        this.loadBalanceHosts = loadBalanceHosts;
    }

    public @Nullable HostResolverKind getHostResolver() {
        return this.hostResolver;
    }

    public void setHostResolver(@Nullable HostResolverKind hostResolver) {
        this.hostResolver = hostResolver;
    }

    public @Nullable Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(@Nullable Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public @Nullable Duration getHostConnectTimeout() {
        return this.hostConnectTimeout;
    }

    public void setHostConnectTimeout(@Nullable Duration hostConnectTimeout) {
        this.hostConnectTimeout = hostConnectTimeout;
    }

    public @Nullable Duration getHostRecheckInterval() {
        return this.hostRecheckInterval;
    }

    public void setHostRecheckInterval(@Nullable Duration hostRecheckInterval) {
        this.hostRecheckInterval = hostRecheckInterval;
    }
}
