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
 *
 * <p>Every {@code pg.conn.*} key is pgconn's, so all of them are bound here (the R2DBC pool's
 * {@code pg.conn.pool.*} too, although only the R2DBC auto-configuration reads them) and an unknown
 * one fails start-up ({@code ignoreUnknownFields = false}, docs/starter.md §1): a typo such as
 * {@code pg.conn.target-sesion-attrs} would otherwise be ignored without a trace. The keys of
 * {@code startup-parameters} are free (a map).
 */
@ConfigurationProperties(prefix = "pg.conn", ignoreUnknownFields = false)
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

    private final Pool pool = new Pool();

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

    public Pool getPool() {
        return this.pool;
    }

    /**
     * The R2DBC connection pool over pgconn, read when pgconn-r2dbc and spring-r2dbc are present, in
     * the style of Boot's {@code spring.r2dbc.pool.*}. Whatever the settings, a pooled connection
     * whose server no longer satisfies {@code target_session_attrs} (or that is closed) is evicted
     * instead of handed out.
     */
    public static class Pool {

        /** What {@code initial-size} is, when not set, unless {@code max-size} is smaller. */
        public static final int DEFAULT_INITIAL_SIZE = 10;

        /**
         * Whether the R2DBC ConnectionFactory is pooled (r2dbc-pool). When false, every
         * create() opens a new pgconn session.
         */
        private boolean enabled = true;

        /**
         * Connections the pool opens when it is first used; from 0 to max-size. When not set:
         * min(10, max-size).
         */
        private @Nullable Integer initialSize;

        /**
         * Most connections the pool holds; at least 1.
         */
        private int maxSize = 10;

        /**
         * How long a connection may sit idle in the pool before it is closed.
         */
        private Duration maxIdleTime = Duration.ofMinutes(30);

        /**
         * How long a connection may live before it is closed. Zero: no limit.
         */
        private Duration maxLifeTime = Duration.ZERO;

        /**
         * How long an acquire may wait for a connection. Zero: no limit.
         */
        private Duration maxAcquireTime = Duration.ZERO;

        /**
         * How many times r2dbc-pool tries an acquire again after it failed, a timeout of
         * max-acquire-time included: a caller waits up to (1 + acquire-retry) x max-acquire-time.
         * r2dbc-pool's default, 1, doubles max-acquire-time; 0 makes it the bound.
         */
        private int acquireRetry = 1;

        /**
         * Validation of a connection before it is handed out: local (no round trip: open, and the
         * server still in the role target_session_attrs asks for) or remote (also a query).
         */
        private ValidationDepth validationDepth = ValidationDepth.LOCAL;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** As set, or {@code null}: then min(10, {@code max-size}). */
        public @Nullable Integer getInitialSize() {
            return this.initialSize;
        }

        public void setInitialSize(@Nullable Integer initialSize) {
            this.initialSize = initialSize;
        }

        public int getMaxSize() {
            return this.maxSize;
        }

        public void setMaxSize(int maxSize) {
            this.maxSize = maxSize;
        }

        public Duration getMaxIdleTime() {
            return this.maxIdleTime;
        }

        public void setMaxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
        }

        public Duration getMaxLifeTime() {
            return this.maxLifeTime;
        }

        public void setMaxLifeTime(Duration maxLifeTime) {
            this.maxLifeTime = maxLifeTime;
        }

        public Duration getMaxAcquireTime() {
            return this.maxAcquireTime;
        }

        public void setMaxAcquireTime(Duration maxAcquireTime) {
            this.maxAcquireTime = maxAcquireTime;
        }

        public int getAcquireRetry() {
            return this.acquireRetry;
        }

        public void setAcquireRetry(int acquireRetry) {
            if (acquireRetry < 0) {
                throw new IllegalArgumentException("pg.conn.pool.acquire-retry must be 0 or more, was " + acquireRetry);
            }
            this.acquireRetry = acquireRetry;
        }

        public ValidationDepth getValidationDepth() {
            return this.validationDepth;
        }

        public void setValidationDepth(ValidationDepth validationDepth) {
            this.validationDepth = validationDepth;
        }

        /**
         * R2DBC's {@code ValidationDepth}, spelled here so that binding {@code pg.conn.*} needs no
         * R2DBC class (the properties are bound with or without pgconn-r2dbc).
         */
        public enum ValidationDepth {
            /** No round trip: the connection is open and its server in the wanted role. */
            LOCAL,
            /** Also a query. */
            REMOTE
        }
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

        /**
         * Age at which the health monitor replaces a host's probe session with a new login (opened
         * before the old one closes), so that health turns down when the server refuses new logins
         * (a rotated password, a pg_hba.conf change, max_connections reached) although old sessions
         * still answer. Costs one login per host per interval; 0 never logs in again while the session lives.
         */
        private Duration reloginInterval = Duration.ofSeconds(10);

        public Duration getReloginInterval() {
            return this.reloginInterval;
        }

        public void setReloginInterval(Duration reloginInterval) {
            if (reloginInterval.isNegative()) {
                throw new IllegalArgumentException("pg.conn.health.relogin-interval must be 0 or positive, was " + reloginInterval);
            }
            this.reloginInterval = reloginInterval;
        }

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
