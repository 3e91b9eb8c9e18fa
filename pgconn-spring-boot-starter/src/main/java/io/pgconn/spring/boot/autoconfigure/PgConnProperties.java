package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.HostResolverKind;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

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
     * Who looks host names up: system (the JDK's resolver, as libpq's getaddrinfo; the JVM caches answers for
     * networkaddress.cache.ttl) or netty-dns (Netty's DNS client, each answer kept for its record's TTL; needs
     * io.netty:netty-resolver-dns on the class path). Defaults to system. Core's 'hostResolver'.
     */
    private @Nullable HostResolverKind hostResolver;

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
     * At most this many requests (each one Sync group: a statement, a batch) written and not yet answered per
     * connection; later ones wait client-side and are written as earlier ones are answered. 0 = no limit (pipelining).
     * Set 1 behind a pooler in transaction mode (PgBouncer before 1.21), which drops the answers to what was
     * pipelined behind a ReadyForQuery outside a transaction block. Core's 'pipeliningLimit'.
     */
    private @Nullable Integer pipeliningLimit;

    /**
     * How long a server asked to stop a statement (after its timeout, or a cancelled stream) may stay
     * silent before the connection is closed as one that stopped answering. Raise it for a loaded
     * server that answers cancel requests slowly. More than 0, at most 1h.
     */
    private @Nullable Duration cancelGrace;

    /**
     * Whether a server error's DETAIL line (and the HINT of an error raised inside a function, e.g. by PL/pgSQL's
     * RAISE) goes into the exception's message. Off by default: a DETAIL may show data, e.g. the key of a unique
     * violation, and so a statement's parameter value. Core's 'serverErrorDetail'.
     */
    private @Nullable Boolean serverErrorDetail;

    /**
     * How many named server-side prepared statements each connection keeps (least recently used closed first); 0 =
     * unnamed statements only: set 0 behind a pooler in transaction mode (PgBouncer pool_mode=transaction), whose
     * shared server sessions do not keep a connection's statements. Core's 'preparedStatementCacheSize'.
     */
    private @Nullable Integer preparedStatementCacheSize;

    /**
     * Extension types whose OIDs are looked up after connecting, e.g. 'hstore'. An empty list
     * skips the lookup. The answer is reused for 'host-recheck-interval'.
     */
    private @Nullable List<String> extensionTypes;

    /**
     * Whether a connect fails when the lookup of 'extension-types' fails (a missing type never does: it is
     * logged). Off by default: the connection is used without those types' codecs. Core's 'extensionTypesRequired'.
     */
    private @Nullable Boolean extensionTypesRequired;

    /**
     * Largest message the server may send once logged in (a row, an error, a notice); a larger one closes the
     * connection instead of being buffered. At most 2GB minus one byte, at least 'pre-auth-max-message-size'.
     * Core's 'maxMessageSize'.
     */
    private @Nullable DataSize maxMessageSize;

    /**
     * Largest message the server may send before the login succeeded (what an unauthenticated peer can make the
     * client buffer). At least 1KB. Core's 'preAuthMaxMessageSize'.
     */
    private @Nullable DataSize preAuthMaxMessageSize;

    /**
     * Fewest SCRAM iterations a server may ask for: a login with a weaker password verifier is refused. At least
     * 1. Core's 'minScramIterations'.
     */
    private @Nullable Integer minScramIterations;

    /**
     * Most SCRAM iterations a server may ask for: a login asking more (CPU spent on every connect) is refused. At
     * least 'min-scram-iterations'. Core's 'maxScramIterations'.
     */
    private @Nullable Integer maxScramIterations;

    /**
     * How long data sent may stay unacknowledged before the operating system closes the connection (the socket's
     * TCP_USER_TIMEOUT; epoll and io_uring transports only, the NIO transport warns once that it cannot). Whole
     * milliseconds; 0 = the operating system's default. libpq's 'tcp_user_timeout'.
     */
    private @Nullable Duration tcpUserTimeout;

    /**
     * How long a thread blocked on a statement's future (join(), get()) spins before it parks; 0 parks at once. At
     * most 10ms; never on an event loop. For one blocked caller per core. Core's 'blockingWaitSpin'.
     */
    private @Nullable Duration blockingWaitSpin;

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
     * the background, a warning naming the host, the reason and what to change when it fails); or
     * fail (start-up fails when no acceptable host answers within 'connect-timeout').
     */
    private StartupCheck startupCheck = StartupCheck.WARN;

    @NestedConfigurationProperty
    private final PgConnSslProperties ssl = new PgConnSslProperties();

    @NestedConfigurationProperty
    private final PgConnKeepaliveProperties keepalive = new PgConnKeepaliveProperties();

    @NestedConfigurationProperty
    private final PgConnHostHealthProperties health = new PgConnHostHealthProperties();

    @NestedConfigurationProperty
    private final PgConnPoolProperties pool = new PgConnPoolProperties();

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

    public @Nullable HostResolverKind getHostResolver() {
        return this.hostResolver;
    }

    public void setHostResolver(@Nullable HostResolverKind hostResolver) {
        this.hostResolver = hostResolver;
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

    public @Nullable Integer getPipeliningLimit() {
        return this.pipeliningLimit;
    }

    public void setPipeliningLimit(@Nullable Integer pipeliningLimit) {
        this.pipeliningLimit = pipeliningLimit;
    }

    public @Nullable Duration getCancelGrace() {
        return this.cancelGrace;
    }

    public void setCancelGrace(@Nullable Duration cancelGrace) {
        this.cancelGrace = cancelGrace;
    }

    public @Nullable Boolean getServerErrorDetail() {
        return this.serverErrorDetail;
    }

    public void setServerErrorDetail(@Nullable Boolean serverErrorDetail) {
        this.serverErrorDetail = serverErrorDetail;
    }

    public @Nullable Integer getPreparedStatementCacheSize() {
        return this.preparedStatementCacheSize;
    }

    public void setPreparedStatementCacheSize(@Nullable Integer preparedStatementCacheSize) {
        this.preparedStatementCacheSize = preparedStatementCacheSize;
    }

    public @Nullable List<String> getExtensionTypes() {
        return this.extensionTypes;
    }

    public void setExtensionTypes(@Nullable List<String> extensionTypes) {
        this.extensionTypes = extensionTypes;
    }

    public @Nullable Boolean getExtensionTypesRequired() {
        return this.extensionTypesRequired;
    }

    public void setExtensionTypesRequired(@Nullable Boolean extensionTypesRequired) {
        this.extensionTypesRequired = extensionTypesRequired;
    }

    public @Nullable DataSize getMaxMessageSize() {
        return this.maxMessageSize;
    }

    public void setMaxMessageSize(@Nullable DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public @Nullable DataSize getPreAuthMaxMessageSize() {
        return this.preAuthMaxMessageSize;
    }

    public void setPreAuthMaxMessageSize(@Nullable DataSize preAuthMaxMessageSize) {
        this.preAuthMaxMessageSize = preAuthMaxMessageSize;
    }

    public @Nullable Integer getMinScramIterations() {
        return this.minScramIterations;
    }

    public void setMinScramIterations(@Nullable Integer minScramIterations) {
        this.minScramIterations = minScramIterations;
    }

    public @Nullable Integer getMaxScramIterations() {
        return this.maxScramIterations;
    }

    public void setMaxScramIterations(@Nullable Integer maxScramIterations) {
        this.maxScramIterations = maxScramIterations;
    }

    public @Nullable Duration getTcpUserTimeout() {
        return this.tcpUserTimeout;
    }

    public void setTcpUserTimeout(@Nullable Duration tcpUserTimeout) {
        this.tcpUserTimeout = tcpUserTimeout;
    }

    public @Nullable Duration getBlockingWaitSpin() {
        return this.blockingWaitSpin;
    }

    public void setBlockingWaitSpin(@Nullable Duration blockingWaitSpin) {
        this.blockingWaitSpin = blockingWaitSpin;
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

    public PgConnSslProperties getSsl() {
        return this.ssl;
    }

    public PgConnKeepaliveProperties getKeepalive() {
        return this.keepalive;
    }

    public PgConnHostHealthProperties getHealth() {
        return this.health;
    }

    public PgConnPoolProperties getPool() {
        return this.pool;
    }
}
