package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration properties for pgconn. A setting left unset falls back to what {@code url} says,
 * then to libpq's default. Discrete properties override the URL.
 */
@ConfigurationProperties("pg.conn")
public class PgConnProperties {

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
     * Use of SCRAM channel binding: disable, prefer or require. Defaults to prefer.
     */
    private @Nullable ChannelBindingMode channelBinding;

    /**
     * Authentication methods the server may ask for, e.g. 'scram-sha-256' or '!password,!md5'.
     * Defaults to any method.
     */
    private @Nullable String requireAuth;

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

    /**
     * Extension types whose OIDs are looked up after connecting, e.g. 'hstore'. An empty list
     * skips the lookup. The answer is reused for 'host-recheck-interval'.
     */
    private @Nullable List<String> extensionTypes;

    /**
     * Extra run-time parameters sent in the startup message, e.g. 'search_path'.
     */
    private Map<String, String> startupParameters = new LinkedHashMap<>();

    /**
     * Time allowed at application shutdown to close every open connection and stop the event loops.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /**
     * What to do at start-up to find out whether the database answers: none; warn (one connect in
     * the background, a warning naming the host and the reason when it fails); or fail (start-up
     * fails when no acceptable host answers within 'connect-timeout').
     */
    private StartupCheck startupCheck = StartupCheck.WARN;

    private final Ssl ssl = new Ssl();

    private final Keepalive keepalive = new Keepalive();

    private final Health health = new Health();

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

    public @Nullable ChannelBindingMode getChannelBinding() {
        return this.channelBinding;
    }

    public void setChannelBinding(@Nullable ChannelBindingMode channelBinding) {
        this.channelBinding = channelBinding;
    }

    public @Nullable String getRequireAuth() {
        return this.requireAuth;
    }

    public void setRequireAuth(@Nullable String requireAuth) {
        this.requireAuth = requireAuth;
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

    public @Nullable List<String> getExtensionTypes() {
        return this.extensionTypes;
    }

    public void setExtensionTypes(@Nullable List<String> extensionTypes) {
        this.extensionTypes = extensionTypes;
    }

    public Map<String, String> getStartupParameters() {
        return this.startupParameters;
    }

    public void setStartupParameters(Map<String, String> startupParameters) {
        this.startupParameters = startupParameters;
    }

    public Duration getShutdownTimeout() {
        return this.shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public StartupCheck getStartupCheck() {
        return this.startupCheck;
    }

    public void setStartupCheck(StartupCheck startupCheck) {
        this.startupCheck = startupCheck;
    }

    public Ssl getSsl() {
        return this.ssl;
    }

    public Keepalive getKeepalive() {
        return this.keepalive;
    }

    public Health getHealth() {
        return this.health;
    }

    /** Live host view behind the health contributor. */
    public static class Health {

        /**
         * Time between two probes of each configured host by the health monitor (one idle
         * connection per host, one round trip per probe). A crashed or frozen host shows down
         * within this plus 'host-connect-timeout'.
         */
        private Duration hostCheckInterval = Duration.ofSeconds(1);

        /**
         * Whether the application's connections to a host are closed when the health monitor finds
         * that it stopped answering (two probes in a row not answered within 'host-connect-timeout'
         * each: a frozen or cut-off server, not a refused login nor a slow query of the application;
         * one alone, as a JVM pause can cause, only marks the host down): statements in
         * flight there fail at once with "connection to host:port closed: the server stopped
         * answering ...", the pool evicts them (reason host-down) and new work connects to another
         * host. When false they wait until the server answers again, however long.
         */
        private boolean closeConnectionsWhenUnresponsive = true;

        public boolean isCloseConnectionsWhenUnresponsive() {
            return this.closeConnectionsWhenUnresponsive;
        }

        public void setCloseConnectionsWhenUnresponsive(boolean closeConnectionsWhenUnresponsive) {
            this.closeConnectionsWhenUnresponsive = closeConnectionsWhenUnresponsive;
        }

        public Duration getHostCheckInterval() {
            return this.hostCheckInterval;
        }

        public void setHostCheckInterval(Duration hostCheckInterval) {
            if (hostCheckInterval.isNegative() || hostCheckInterval.isZero()) {
                throw new IllegalArgumentException("pg.conn.health.host-check-interval must be positive, was " + hostCheckInterval);
            }
            this.hostCheckInterval = hostCheckInterval;
        }
    }

    /** TLS settings. */
    public static class Ssl {

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
    }

    /** TCP keepalive settings. */
    public static class Keepalive {

        /**
         * Whether TCP keepalive is enabled. Defaults to true.
         */
        private @Nullable Boolean enabled;

        /**
         * Idle time before the first keepalive probe. Defaults to the operating system's value.
         */
        private @Nullable Duration idle;

        /**
         * Time between keepalive probes. Defaults to the operating system's value.
         */
        private @Nullable Duration interval;

        /**
         * Unanswered probes before the connection is considered dead. Defaults to the operating
         * system's value.
         */
        private @Nullable Integer count;

        public @Nullable Boolean getEnabled() {
            return this.enabled;
        }

        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable Duration getIdle() {
            return this.idle;
        }

        public void setIdle(@Nullable Duration idle) {
            this.idle = idle;
        }

        public @Nullable Duration getInterval() {
            return this.interval;
        }

        public void setInterval(@Nullable Duration interval) {
            this.interval = interval;
        }

        public @Nullable Integer getCount() {
            return this.count;
        }

        public void setCount(@Nullable Integer count) {
            this.count = count;
        }
    }
}
