package io.pgconn.config;

import io.pgconn.PgConfigException;

import io.pgconn.ProtocolVersion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Immutable, validated settings of a connection (docs/lifecycle.md §6). Built by {@link #builder()}
 * or parsed from a libpq connection string ({@link #parse(String)}); defaults are in
 * {@link ConnDefaults}. Precedence per setting: explicit &gt; service file &gt; environment &gt; default.
 *
 * <p>{@link #toString()} never shows the password or the key password.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-connect.html">libpq: Database Connection Control</a>
 */
public final class ConnConfig {

    private final SettingValues values;
    private final SettingValues given;
    private final EnvironmentSource environment;
    private final Path homeDirectory;

    ConnConfig(SettingValues values, SettingValues given, EnvironmentSource environment, Path homeDirectory) {
        this.values = values;
        this.given = given;
        this.environment = environment;
        this.homeDirectory = homeDirectory;
    }

    /** A builder that reads no environment variables unless given {@link Builder#environment}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every connection-string keyword this client accepts ({@code host}, {@code sslmode},
     * {@code target_session_attrs}, pgconn's own such as {@code hostRecheckInterval}), in a stable
     * order: for layers that take settings by name from elsewhere, such as R2DBC options.
     */
    public static java.util.Set<String> keywords() {
        return Keywords.names();
    }

    /** Parses a libpq connection string (URI or key=value), with the process environment as fallback. */
    public static ConnConfig parse(String connectionString) {
        return parse(connectionString, EnvironmentSource.system());
    }

    /** Parses a libpq connection string (URI or key=value), with {@code env} as fallback. */
    public static ConnConfig parse(String connectionString, EnvironmentSource env) {
        return builder().environment(env).connectionString(connectionString).build();
    }

    /**
     * A builder holding every value that was configured (not defaulted), from whatever source, and
     * the same environment. Derived defaults (database = user, sslmode from sslrootcert) are
     * derived again, so changing the user also changes a defaulted database.
     */
    public Builder toBuilder() {
        Builder builder = new Builder().environment(environment);
        builder.explicit.fillFrom(given);
        return builder;
    }

    /** Hosts in configured order; never empty. */
    public List<HostSpec> hosts() { return values.get(Setting.HOSTS); }

    /** Database user; default {@code PGUSER}, else the OS user. */
    public String user() { return values.get(Setting.USER); }

    /** Password given explicitly, by the service file or {@code PGPASSWORD}; {@code null} if none. See {@link #passwordFor}. */
    public String password() { return values.get(Setting.PASSWORD); }

    /** Where a password may be set, as the "no password was supplied" error names it ({@link Builder#passwordSources}). */
    public String passwordSources() { return values.getOrDefault(Setting.PASSWORD_SOURCES); }

    /** Password file; {@code null} means {@code ~/.pgpass}. */
    public Path passfile() { return path(Setting.PASSFILE); }

    /** Database name; default: the user name. */
    public String database() { return values.get(Setting.DBNAME); }

    /** {@code application_name} sent at startup, or {@code null}. */
    public String applicationName() { return values.get(Setting.APPLICATION_NAME); }

    /** Command-line options sent at startup ({@code options}), or {@code null}. */
    public String options() { return values.get(Setting.OPTIONS); }

    /** {@code null}, {@code "database"} (logical) or {@code "true"} (physical replication connection). */
    public String replication() { return values.get(Setting.REPLICATION); }

    public SslMode sslMode() { return values.get(Setting.SSL_MODE); }

    public SslNegotiation sslNegotiation() { return values.getOrDefault(Setting.SSL_NEGOTIATION); }

    /** Path of a PEM file with trusted roots, {@code "system"} for the JDK's trust store, or {@code null}. */
    public String sslRootCert() { return values.get(Setting.SSL_ROOT_CERT); }

    /**
     * The root certificate file libpq would read: {@link #sslRootCert()}, else
     * {@code ~/.postgresql/root.crt} ({@code HOME} from the environment source). The file need not
     * exist: when it does, every TLS mode verifies the chain (libpq); when it does not, only
     * verify-ca/verify-full fail for want of it.
     */
    public String sslRootCertOrDefault() {
        String explicit = sslRootCert();
        return explicit != null ? explicit : homeDirectory.resolve(ConnDefaults.ROOT_CERT_FILE).toString();
    }

    public Path sslCert() { return path(Setting.SSL_CERT); }

    /** libpq's {@code sslcertmode}: whether a client certificate may ({@code allow}, default) or must be sent. */
    public SslCertMode sslCertMode() { return values.getOrDefault(Setting.SSL_CERT_MODE); }

    /** libpq's {@code sslcrl}: a PEM file of revoked certificates, used when it exists and the chain is verified; or {@code null}. */
    public Path sslCrl() { return path(Setting.SSL_CRL); }

    /** libpq's {@code sslcrldir}: a directory of PEM revocation lists, used as {@link #sslCrl()}; or {@code null}. */
    public Path sslCrlDir() { return path(Setting.SSL_CRL_DIR); }

    /**
     * The revocation list file libpq would read: {@link #sslCrl()}, else, when {@code sslcrldir} is not
     * set either, {@code ~/.postgresql/root.crl} ({@code HOME} from the environment source). Used only
     * when it exists and the server's chain is verified.
     */
    public Path sslCrlOrDefault() {
        Path explicit = sslCrl();
        return explicit != null || sslCrlDir() != null ? explicit : homeDirectory.resolve(ConnDefaults.ROOT_CRL_FILE);
    }

    /** libpq's {@code requirepeer}: the operating-system user a Unix-socket server must run as; or {@code null}. */
    public String requirePeer() { return values.get(Setting.REQUIRE_PEER); }

    /** libpq's {@code tcp_user_timeout} in milliseconds (0: the system's default); {@code null} when not set. */
    public Integer tcpUserTimeoutMillis() { return values.get(Setting.TCP_USER_TIMEOUT); }

    public Path sslKey() { return path(Setting.SSL_KEY); }

    /**
     * The client certificate file libpq would read: {@link #sslCert()}, else
     * {@code ~/.postgresql/postgresql.crt} ({@code HOME} from the environment source). The file need
     * not exist: a certificate is sent only when it does (libpq {@code stat()}s it; absent means no
     * client certificate and no error, and the server decides).
     */
    public Path sslCertOrDefault() {
        String explicit = values.get(Setting.SSL_CERT);
        // libpq: an empty sslcert counts as unset
        return explicit != null && !explicit.isEmpty() ? Path.of(explicit) : homeDirectory.resolve(ConnDefaults.CLIENT_CERT_FILE);
    }

    /**
     * The private key file libpq would read for the client certificate: {@link #sslKey()}, else
     * {@code ~/.postgresql/postgresql.key} — also when {@code sslcert} was given (libpq). Read only
     * when a certificate is sent; then it must exist and be {@code 0600} or less (root-owned: {@code 0640}).
     */
    public Path sslKeyOrDefault() {
        String explicit = values.get(Setting.SSL_KEY);
        return explicit != null && !explicit.isEmpty() ? Path.of(explicit) : homeDirectory.resolve(ConnDefaults.CLIENT_KEY_FILE);
    }

    /** Password of an encrypted {@link #sslKey()}, or {@code null}. */
    public String sslPassword() { return values.get(Setting.SSL_PASSWORD); }

    public boolean sslSni() { return values.getOrDefault(Setting.SSL_SNI); }

    /** {@code TLSv1}, {@code TLSv1.1}, {@code TLSv1.2} or {@code TLSv1.3}. */
    public String sslMinProtocolVersion() { return values.get(Setting.SSL_MIN_PROTOCOL_VERSION); }

    /** Upper TLS bound, or {@code null} for none. */
    public String sslMaxProtocolVersion() { return values.get(Setting.SSL_MAX_PROTOCOL_VERSION); }

    public SslProviderKind sslProvider() { return values.getOrDefault(Setting.SSL_PROVIDER); }

    /** Who looks host names up: the system resolver (default) or Netty's DNS client (docs/lifecycle.md §1.1.1). */
    public HostResolverKind hostResolver() { return values.getOrDefault(Setting.HOST_RESOLVER); }

    public ChannelBindingMode channelBinding() { return values.getOrDefault(Setting.CHANNEL_BINDING); }

    public RequireAuth requireAuth() { return values.getOrDefault(Setting.REQUIRE_AUTH); }

    public TargetSessionAttrs targetSessionAttrs() { return values.getOrDefault(Setting.TARGET_SESSION_ATTRS); }

    public LoadBalanceHosts loadBalanceHosts() { return values.getOrDefault(Setting.LOAD_BALANCE_HOSTS); }

    /** Budget of one host (and address) attempt; {@link Duration#ZERO} = none. libpq's {@code connect_timeout}. */
    public Duration hostConnectTimeout() { return values.getOrDefault(Setting.HOST_CONNECT_TIMEOUT); }

    /** Deadline of the whole multi-host attempt; {@link Duration#ZERO} = none. */
    public Duration connectTimeout() { return values.getOrDefault(Setting.CONNECT_TIMEOUT); }

    /**
     * How long a factory acts on what it learned about a host: its failure or wrong role, for ordering
     * (docs/lifecycle.md §2.4), and the answer of the extension type query; {@link Duration#ZERO} = never remembered.
     */
    public Duration hostRecheckInterval() { return values.getOrDefault(Setting.HOST_RECHECK_INTERVAL); }

    public boolean keepalives() { return values.getOrDefault(Setting.KEEPALIVES); }

    /** TCP keepalive idle time, or {@code null} for the OS default. */
    public Duration keepalivesIdle() { return zeroToNull(values.get(Setting.KEEPALIVES_IDLE)); }

    /** TCP keepalive probe interval, or {@code null} for the OS default. */
    public Duration keepalivesInterval() { return zeroToNull(values.get(Setting.KEEPALIVES_INTERVAL)); }

    /** TCP keepalive probe count, or {@code null} for the OS default. */
    public Integer keepalivesCount() {
        Integer count = values.get(Setting.KEEPALIVES_COUNT);
        return count == null || count == 0 ? null : count;
    }

    public ProtocolVersion minProtocolVersion() { return values.getOrDefault(Setting.MIN_PROTOCOL_VERSION); }

    public ProtocolVersion maxProtocolVersion() { return values.getOrDefault(Setting.MAX_PROTOCOL_VERSION); }

    /**
     * Extension types whose OIDs are discovered after connecting; empty = skip discovery. A factory
     * reuses its answer for the same server, database and user within {@link #hostRecheckInterval()}.
     */
    public List<String> extensionTypes() { return values.getOrDefault(Setting.EXTENSION_TYPES); }

    /** Whether a failing discovery query fails the connection. */
    public boolean extensionTypesRequired() { return values.getOrDefault(Setting.EXTENSION_TYPES_REQUIRED); }

    /**
     * Whether a server error's DETAIL line goes into the exception's message, after its first line, and the HINT
     * of an error raised inside a function ({@code RAISE ... USING HINT}: user code may build it from a value);
     * the server's own HINT always does. Default false: a DETAIL may show data — the key of a unique violation
     * ({@code Key (email)=(…) already exists}), the row a check or not-null constraint refused
     * ({@code Failing row contains (…)}) — and so the value of a statement's parameter, which pgconn keeps out
     * of messages otherwise. {@link io.pgconn.PgException#serverFields()} has it either way. pgjdbc's
     * {@code logServerErrorDetail} is the same switch, on by default there (docs/query.md §5).
     */
    public boolean serverErrorDetail() { return values.getOrDefault(Setting.SERVER_ERROR_DETAIL); }

    public int minScramIterations() { return values.getOrDefault(Setting.MIN_SCRAM_ITERATIONS); }

    public int maxScramIterations() { return values.getOrDefault(Setting.MAX_SCRAM_ITERATIONS); }

    /** Largest backend message accepted after authentication, in bytes. */
    public int maxMessageSize() { return values.getOrDefault(Setting.MAX_MESSAGE_SIZE); }

    /** Largest backend message accepted until authentication ends, in bytes. */
    public int preAuthMaxMessageSize() { return values.getOrDefault(Setting.PRE_AUTH_MAX_MESSAGE_SIZE); }

    /**
     * How many named server-side prepared statements a connection keeps (least recently used
     * closed first); statements beyond it are re-parsed when they run again. 0: every statement is
     * parsed unnamed, every time (for poolers in transaction mode that cannot keep named statements).
     */
    public int preparedStatementCacheSize() { return values.getOrDefault(Setting.PREPARED_STATEMENT_CACHE_SIZE); }

    /**
     * How long a thread blocked on a statement's future ({@code join()}, {@code get()}) spins before it parks,
     * offering its CPU at each turn ({@code Thread.yield()}: the event loop that completes the future may be queued on
     * that CPU); zero (the default): it parks at once. Never on an
     * event loop thread. Trades CPU for one caller's latency; several callers per core lose throughput
     * (docs/query.md §1). Spins that keep failing (outside load, long statements) back off per connection.
     */
    public Duration blockingWaitSpin() { return values.getOrDefault(Setting.BLOCKING_WAIT_SPIN); }

    /**
     * How many exchanges — each one Sync group: a statement, a batch, a script — a connection keeps written and not
     * yet answered (pipelining); the ones submitted beyond it wait client-side, unwritten, and are written in order as
     * the ReadyForQuery of an earlier one arrives. 0 (the default): no limit. 1: one at a time, for a pooler in
     * transaction mode, which may hand the server connection to another client at any ReadyForQuery outside a
     * transaction block and drop the answers to what was pipelined behind it (PgBouncer before 1.21; docs/query.md
     * §1). Named after vert.x's {@code pipeliningLimit}.
     */
    public int pipeliningLimit() { return values.getOrDefault(Setting.PIPELINING_LIMIT); }

    /**
     * How long a server asked to stop a statement (after its timeout, or a cancelled subscription) may
     * stay silent before the connection is closed as one that stopped answering; after a timeout the
     * caller is failed by then too, at the latest after max(cancelGrace, timeout). Default 1 s; raise it
     * for a loaded server that answers a CancelRequest slowly (docs/query.md §5).
     */
    public Duration cancelGrace() { return values.getOrDefault(Setting.CANCEL_GRACE); }

    /** Extra StartupMessage parameters, in order (e.g. {@code search_path}). */
    public Map<String, String> startupParameters() { return values.getOrDefault(Setting.STARTUP_PARAMETERS); }

    /**
     * The password to use with {@code host}: the configured password if any, else the first
     * matching {@code .pgpass} line (host or socket directory, port, database, user), else
     * {@code null}. Reads the password file on each call, as libpq does per connection, so edits take
     * effect without a restart.
     *
     * <p><b>Blocking:</b> when no password is configured this reads {@link #passwordFile()} on the calling thread —
     * file I/O that waits as long as the file system does (a home directory on a hung NFS mount, a FIFO nobody writes).
     * Call it from a thread that may wait — start-up code, a tool handing the password to another driver (the
     * starter's pgjdbc migrations) — never from an event loop or a reactive operator. A connect does not call it: its
     * factory reads the file on its own file-read pool, and only when the server asks for a password
     * (docs/lifecycle.md §1.6).
     */
    public String passwordFor(HostSpec host) {
        String password = password();
        if (password != null) {
            return password;
        }
        return PgPassFile.read(passwordFile()).map(f -> f.find(host, database(), user())).orElse(null);
    }

    /**
     * The {@code .pgpass} file {@link #passwordFor} reads when no password is given: {@code passfile}, else
     * {@code ~/.pgpass} ({@code HOME} from the environment source), whether it exists or not.
     */
    public Path passwordFile() {
        return passfile() != null ? passfile() : homeDirectory.resolve(ConnDefaults.PASSFILE_NAME);
    }

    private Path path(Setting<String> setting) {
        String value = values.get(setting);
        return value == null ? null : Path.of(value);
    }

    private static Duration zeroToNull(Duration d) {
        return d == null || d.isZero() ? null : d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Hosts, user, database and modes; secrets only as {@code ***}. */
    @Override
    public String toString() {
        return "ConnConfig{hosts=" + hosts().stream().map(HostSpec::toString).collect(Collectors.joining(",", "[", "]"))
                + ", user=" + user() + ", database=" + database() + (password() != null ? ", password=***" : "")
                + ", sslMode=" + sslMode().libpqName() + ", sslNegotiation=" + sslNegotiation().libpqName()
                + (sslPassword() != null ? ", sslPassword=***" : "")
                + ", channelBinding=" + channelBinding().libpqName() + ", " + requireAuth()
                + ", targetSessionAttrs=" + targetSessionAttrs().libpqName()
                + ", loadBalanceHosts=" + loadBalanceHosts().libpqName()
                + ", hostConnectTimeout=" + hostConnectTimeout() + ", connectTimeout=" + connectTimeout()
                + ", protocol=" + minProtocolVersion() + ".." + maxProtocolVersion() + "}";
    }

    /**
     * Fluent builder. Setters taking {@code null} reset the setting to "not given"; nothing is
     * checked until {@link #build()}, which validates everything and throws
     * {@link io.pgconn.PgConfigException} naming the keyword, value and expectation.
     */
    public static final class Builder extends ConnConfigSetters {

        Builder() {
        }

        /** Where {@code PG*} variables are read from; default: none (tests never see the real environment). */
        public Builder environment(EnvironmentSource environment) {
            this.environment = environment == null ? EnvironmentSource.none() : environment;
            return this;
        }

        /** Resolves service file, environment and defaults, then validates. */
        public ConnConfig build() {
            try {
                return ConnConfigResolver.resolve(explicit, environment);
            } catch (PgConfigException e) {
                PgConfigException safe = e;
                for (String source : connectionStrings) {
                    safe = SafeText.withoutSecretsOf(source, safe);
                }
                throw safe;
            }
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
