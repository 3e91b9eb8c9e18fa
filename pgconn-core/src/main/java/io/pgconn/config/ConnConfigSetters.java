package io.pgconn.config;

import io.pgconn.PgConfigException;

import io.pgconn.ProtocolVersion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed setters of {@link ConnConfig.Builder}, kept apart so the builder and the config stay
 * small. Each writes one explicit {@link Setting}; {@code null} removes it. The keyword each one
 * corresponds to is in its Javadoc.
 */
abstract class ConnConfigSetters {

    final SettingValues explicit = new SettingValues();
    EnvironmentSource environment = EnvironmentSource.none();
    /** The connection strings applied, so that an error found later (at build) can still be held to SafeText's rule. */
    final List<String> connectionStrings = new ArrayList<>();

    abstract ConnConfig.Builder self();

    private <T> ConnConfig.Builder put(Setting<T> setting, T value) {
        explicit.put(setting, value);
        afterHostChange(setting);
        return self();
    }

    /** An explicit host list and the libpq host/hostaddr/port lists replace each other. */
    private void afterHostChange(Setting<?> setting) {
        if (setting == Setting.HOSTS) {
            explicit.remove(Setting.HOST);
            explicit.remove(Setting.HOSTADDR);
            explicit.remove(Setting.PORT);
        } else if (setting == Setting.HOST || setting == Setting.HOSTADDR || setting == Setting.PORT) {
            explicit.remove(Setting.HOSTS);
        }
    }

    /** Applies every keyword of a libpq connection string (URI or key=value); later settings override. */
    public ConnConfig.Builder connectionString(String connectionString) {
        try {
            for (Map.Entry<String, String> pair : ConnectionStringParser.parse(connectionString)) {
                set(pair.getKey(), pair.getValue());
            }
        } catch (PgConfigException e) {
            throw SafeText.withoutSecretsOf(connectionString, e);
        }
        connectionStrings.add(connectionString);
        return self();
    }

    /** Sets one setting by connection-string keyword ({@code sslmode}, {@code connect_timeout}, ...); unknown → error. */
    public ConnConfig.Builder set(String keyword, String value) {
        Keywords.Binding<?> binding = Keywords.forKeyword(keyword);
        if (value == null) {
            explicit.remove(binding.setting());
        } else {
            binding.apply(explicit, value);
        }
        afterHostChange(binding.setting());
        return self();
    }

    /** The hosts to try, in order; replaces {@code host}/{@code hostaddr}/{@code port} from every source. */
    public ConnConfig.Builder hosts(List<HostSpec> hosts) {
        return put(Setting.HOSTS, hosts == null ? null : Collections.unmodifiableList(new ArrayList<>(hosts)));
    }

    public ConnConfig.Builder hosts(HostSpec... hosts) {
        return hosts(hosts == null ? null : Arrays.asList(hosts));
    }

    /** libpq {@code host}: a comma list of names, IP literals or socket directories; empty entries mean localhost. */
    public ConnConfig.Builder host(String hostList) { return put(Setting.HOST, hostList); }

    /**
     * libpq {@code hostaddr}: a comma list of numeric addresses, one per host. An entry without a host
     * name ({@code host} unset or its entry empty) is named by its address and cannot be used with
     * {@code sslmode=verify-full}, which has no name to check then (libpq; {@link HostSpec#tlsHostName()}).
     */
    public ConnConfig.Builder hostaddr(String hostaddrList) { return put(Setting.HOSTADDR, hostaddrList); }

    /** libpq {@code port}: one port for all hosts. */
    public ConnConfig.Builder port(int port) { return put(Setting.PORT, Integer.toString(port)); }

    /** libpq {@code port}: a comma list, one for all hosts or one per host; empty entries mean 5432. */
    public ConnConfig.Builder port(String portList) { return put(Setting.PORT, portList); }

    /** libpq {@code dbname}. */
    public ConnConfig.Builder database(String database) { return put(Setting.DBNAME, database); }

    public ConnConfig.Builder user(String user) { return put(Setting.USER, user); }

    public ConnConfig.Builder password(String password) { return put(Setting.PASSWORD, password); }

    public ConnConfig.Builder passfile(Path passfile) { return put(Setting.PASSFILE, text(passfile)); }

    /**
     * Where a password for this configuration may be set, in the words of whoever configures it:
     * named by the error when the server asks for a password and none was supplied. Default
     * {@value ConnDefaults#PASSWORD_SOURCES}; a layer that reads its own settings instead of
     * {@code PGPASSWORD} (the Spring Boot starter) names those. Never holds the password itself.
     */
    public ConnConfig.Builder passwordSources(String sources) { return put(Setting.PASSWORD_SOURCES, sources); }

    /** libpq {@code service}: a section of the service file. */
    public ConnConfig.Builder service(String service) { return put(Setting.SERVICE, service); }

    /** libpq {@code servicefile}: the user service file (else {@code PGSERVICEFILE}, else {@code ~/.pg_service.conf}). */
    public ConnConfig.Builder serviceFile(Path serviceFile) { return put(Setting.SERVICEFILE, text(serviceFile)); }

    public ConnConfig.Builder applicationName(String applicationName) {
        return put(Setting.APPLICATION_NAME, applicationName);
    }

    public ConnConfig.Builder options(String options) { return put(Setting.OPTIONS, options); }

    /** libpq {@code replication}: {@code database}, {@code true}/{@code false}, or {@code null}. */
    public ConnConfig.Builder replication(String replication) {
        return put(Setting.REPLICATION, replication == null ? null : ValueParsers.replication("replication", replication));
    }

    public ConnConfig.Builder sslMode(SslMode sslMode) { return put(Setting.SSL_MODE, sslMode); }

    public ConnConfig.Builder sslNegotiation(SslNegotiation n) { return put(Setting.SSL_NEGOTIATION, n); }

    /** A PEM file path or {@code "system"}. */
    public ConnConfig.Builder sslRootCert(String sslRootCert) { return put(Setting.SSL_ROOT_CERT, sslRootCert); }

    public ConnConfig.Builder sslCert(Path sslCert) { return put(Setting.SSL_CERT, text(sslCert)); }

    public ConnConfig.Builder sslKey(Path sslKey) { return put(Setting.SSL_KEY, text(sslKey)); }

    public ConnConfig.Builder sslPassword(String sslPassword) { return put(Setting.SSL_PASSWORD, sslPassword); }

    public ConnConfig.Builder sslSni(boolean sslSni) { return put(Setting.SSL_SNI, sslSni); }

    /** libpq {@code ssl_min_protocol_version}: {@code TLSv1.2} or {@code TLSv1.3} (older names accepted). */
    public ConnConfig.Builder sslMinProtocolVersion(String version) {
        return put(Setting.SSL_MIN_PROTOCOL_VERSION, version == null ? null
                : ValueParsers.tlsVersion("ssl_min_protocol_version", version));
    }

    public ConnConfig.Builder sslMaxProtocolVersion(String version) {
        return put(Setting.SSL_MAX_PROTOCOL_VERSION, version == null ? null
                : ValueParsers.tlsVersion("ssl_max_protocol_version", version));
    }

    public ConnConfig.Builder sslProvider(SslProviderKind provider) { return put(Setting.SSL_PROVIDER, provider); }

    /**
     * Who looks host names up ({@code hostResolver}): {@link HostResolverKind#SYSTEM} (the default) or
     * {@link HostResolverKind#NETTY_DNS}, which needs {@code io.netty:netty-resolver-dns} (docs/lifecycle.md §1.1.1).
     */
    public ConnConfig.Builder hostResolver(HostResolverKind resolver) { return put(Setting.HOST_RESOLVER, resolver); }

    public ConnConfig.Builder channelBinding(ChannelBindingMode mode) { return put(Setting.CHANNEL_BINDING, mode); }

    public ConnConfig.Builder requireAuth(RequireAuth requireAuth) { return put(Setting.REQUIRE_AUTH, requireAuth); }

    /** libpq {@code require_auth} text, e.g. {@code scram-sha-256} or {@code !password,!md5}. */
    public ConnConfig.Builder requireAuth(String requireAuth) {
        return requireAuth(requireAuth == null ? null : RequireAuth.parse(requireAuth));
    }

    public ConnConfig.Builder targetSessionAttrs(TargetSessionAttrs attrs) {
        return put(Setting.TARGET_SESSION_ATTRS, attrs);
    }

    public ConnConfig.Builder loadBalanceHosts(LoadBalanceHosts mode) { return put(Setting.LOAD_BALANCE_HOSTS, mode); }

    /** Per host (and address) budget; libpq {@code connect_timeout}; {@link Duration#ZERO} disables. */
    public ConnConfig.Builder hostConnectTimeout(Duration timeout) { return put(Setting.HOST_CONNECT_TIMEOUT, timeout); }

    /** Deadline over the whole multi-host attempt; {@link Duration#ZERO} disables. */
    public ConnConfig.Builder connectTimeout(Duration timeout) { return put(Setting.CONNECT_TIMEOUT, timeout); }

    public ConnConfig.Builder hostRecheckInterval(Duration interval) {
        return put(Setting.HOST_RECHECK_INTERVAL, interval);
    }

    public ConnConfig.Builder keepalives(boolean keepalives) { return put(Setting.KEEPALIVES, keepalives); }

    /** {@code null} or zero: the OS default. */
    public ConnConfig.Builder keepalivesIdle(Duration idle) { return put(Setting.KEEPALIVES_IDLE, idle); }

    /** {@code null} or zero: the OS default. */
    public ConnConfig.Builder keepalivesInterval(Duration interval) {
        return put(Setting.KEEPALIVES_INTERVAL, interval);
    }

    /** {@code null} or zero: the OS default. */
    public ConnConfig.Builder keepalivesCount(Integer count) { return put(Setting.KEEPALIVES_COUNT, count); }

    public ConnConfig.Builder minProtocolVersion(ProtocolVersion v) { return put(Setting.MIN_PROTOCOL_VERSION, v); }

    public ConnConfig.Builder maxProtocolVersion(ProtocolVersion v) { return put(Setting.MAX_PROTOCOL_VERSION, v); }

    /** Type names ({@code hstore}, {@code myschema.mytype}); an empty list skips OID discovery. */
    public ConnConfig.Builder extensionTypes(List<String> names) {
        return put(Setting.EXTENSION_TYPES, names == null ? null : Collections.unmodifiableList(new ArrayList<>(names)));
    }

    public ConnConfig.Builder extensionTypes(String... names) {
        return extensionTypes(names == null ? null : Arrays.asList(names));
    }

    public ConnConfig.Builder extensionTypesRequired(boolean required) {
        return put(Setting.EXTENSION_TYPES_REQUIRED, required);
    }

    /**
     * Whether a server error's DETAIL, and the HINT of an error raised inside a function, go into exception
     * messages (default false: they may show parameter values). See {@link ConnConfig#serverErrorDetail()}.
     */
    public ConnConfig.Builder serverErrorDetail(boolean included) { return put(Setting.SERVER_ERROR_DETAIL, included); }

    public ConnConfig.Builder minScramIterations(int iterations) { return put(Setting.MIN_SCRAM_ITERATIONS, iterations); }

    public ConnConfig.Builder maxScramIterations(int iterations) { return put(Setting.MAX_SCRAM_ITERATIONS, iterations); }

    public ConnConfig.Builder maxMessageSize(int bytes) { return put(Setting.MAX_MESSAGE_SIZE, bytes); }

    public ConnConfig.Builder preAuthMaxMessageSize(int bytes) { return put(Setting.PRE_AUTH_MAX_MESSAGE_SIZE, bytes); }

    /** Named prepared statements kept per connection; 0 = unnamed statements only. */
    public ConnConfig.Builder preparedStatementCacheSize(int statements) { return put(Setting.PREPARED_STATEMENT_CACHE_SIZE, statements); }

    /**
     * How long a thread blocked on a statement's future ({@code join()}, {@code get()}) spins before
     * it parks; {@link java.time.Duration#ZERO} (the default) parks at once. At most 10 ms; never on an
     * event loop. For one blocked caller per core (docs/query.md §1). A connection whose spins keep running to their end
     * without the answer backs off (its waits park at once, with a probing spin now and then) until one sees it.
     */
    public ConnConfig.Builder blockingWaitSpin(Duration spin) { return put(Setting.BLOCKING_WAIT_SPIN, spin); }

    /**
     * At most this many exchanges (each one Sync group: a statement, a batch, a script) written and not yet answered
     * per connection; later ones wait client-side, unwritten, until an answer's ReadyForQuery. 0 (the default): no
     * limit. 1 behind a pooler in transaction mode (PgBouncer before 1.21 drops pipelined answers). See
     * {@link ConnConfig#pipeliningLimit()}.
     */
    public ConnConfig.Builder pipeliningLimit(int exchanges) { return put(Setting.PIPELINING_LIMIT, exchanges); }

    /**
     * How long a server asked to stop a statement may stay silent before the connection is closed
     * (default 1 s; more than 0, at most 1 h). See {@link ConnConfig#cancelGrace()}.
     */
    public ConnConfig.Builder cancelGrace(Duration grace) { return put(Setting.CANCEL_GRACE, grace); }

    /** Replaces the extra StartupMessage parameters (order kept). */
    public ConnConfig.Builder startupParameters(Map<String, String> parameters) {
        return put(Setting.STARTUP_PARAMETERS,
                parameters == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(parameters)));
    }

    /** Adds (or replaces) one extra StartupMessage parameter. */
    public ConnConfig.Builder startupParameter(String name, String value) {
        Map<String, String> params = new LinkedHashMap<>(explicit.getOrDefault(Setting.STARTUP_PARAMETERS));
        params.put(name, value);
        return startupParameters(params);
    }

    private static String text(Path path) {
        return path == null ? null : path.toString();
    }
}
