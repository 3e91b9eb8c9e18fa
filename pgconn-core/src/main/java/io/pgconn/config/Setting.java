package io.pgconn.config;

import io.pgconn.ProtocolVersion;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One typed configuration slot. Builder setters, connection-string keywords, service-file entries
 * and environment variables all write into these slots, so precedence is decided per slot in one
 * place ({@link ConnConfigResolver}) rather than per source.
 *
 * <p>Strings are stored as given, including {@code ""}: libpq treats an explicitly empty value as
 * "set" (it blocks the environment) but "use the default" when the value is read. Paths are kept
 * as strings for the same reason.
 *
 * @param <T> the value type
 */
final class Setting<T> {

    static final Setting<List<HostSpec>> HOSTS = new Setting<>("hosts", null);
    static final Setting<String> HOST = new Setting<>("host", null);
    static final Setting<String> HOSTADDR = new Setting<>("hostaddr", null);
    static final Setting<String> PORT = new Setting<>("port", null);
    static final Setting<String> DBNAME = new Setting<>("dbname", null);
    static final Setting<String> USER = new Setting<>("user", null);
    static final Setting<String> PASSWORD = new Setting<>("password", null);
    static final Setting<String> PASSFILE = new Setting<>("passfile", null);
    /** Builder only (no keyword): words for the error when no password was supplied. */
    static final Setting<String> PASSWORD_SOURCES = new Setting<>("passwordSources", ConnDefaults.PASSWORD_SOURCES);
    static final Setting<String> SERVICE = new Setting<>("service", null);
    static final Setting<String> SERVICEFILE = new Setting<>("servicefile", null);
    /** Set in the values a {@code toBuilder()} copy starts from: the service file was applied already. */
    static final Setting<Boolean> SERVICE_APPLIED = new Setting<>("serviceApplied", false);
    static final Setting<String> APPLICATION_NAME = new Setting<>("application_name", null);
    static final Setting<String> FALLBACK_APPLICATION_NAME = new Setting<>("fallback_application_name", null);
    static final Setting<String> CLIENT_ENCODING = new Setting<>("client_encoding", null);
    static final Setting<String> OPTIONS = new Setting<>("options", null);
    static final Setting<String> REPLICATION = new Setting<>("replication", null);

    static final Setting<SslMode> SSL_MODE = new Setting<>("sslmode", null);
    static final Setting<SslNegotiation> SSL_NEGOTIATION =
            new Setting<>("sslnegotiation", ConnDefaults.SSL_NEGOTIATION);
    static final Setting<String> SSL_ROOT_CERT = new Setting<>("sslrootcert", null);
    static final Setting<String> SSL_CERT = new Setting<>("sslcert", null);
    static final Setting<String> SSL_KEY = new Setting<>("sslkey", null);
    static final Setting<String> SSL_PASSWORD = new Setting<>("sslpassword", null);
    static final Setting<Boolean> SSL_SNI = new Setting<>("sslsni", ConnDefaults.SSL_SNI);
    static final Setting<SslCertMode> SSL_CERT_MODE = new Setting<>("sslcertmode", ConnDefaults.SSL_CERT_MODE);
    static final Setting<String> SSL_CRL = new Setting<>("sslcrl", null);
    static final Setting<String> SSL_CRL_DIR = new Setting<>("sslcrldir", null);
    static final Setting<String> REQUIRE_PEER = new Setting<>("requirepeer", null);
    static final Setting<Integer> TCP_USER_TIMEOUT = new Setting<>("tcp_user_timeout", null);
    static final Setting<String> SSL_MIN_PROTOCOL_VERSION = new Setting<>("ssl_min_protocol_version", null);
    static final Setting<String> SSL_MAX_PROTOCOL_VERSION = new Setting<>("ssl_max_protocol_version", null);
    static final Setting<SslProviderKind> SSL_PROVIDER = new Setting<>("sslProvider", ConnDefaults.SSL_PROVIDER);
    static final Setting<HostResolverKind> HOST_RESOLVER = new Setting<>("hostResolver", ConnDefaults.HOST_RESOLVER);

    static final Setting<ChannelBindingMode> CHANNEL_BINDING =
            new Setting<>("channel_binding", ConnDefaults.CHANNEL_BINDING);
    static final Setting<RequireAuth> REQUIRE_AUTH = new Setting<>("require_auth", ConnDefaults.REQUIRE_AUTH);
    static final Setting<TargetSessionAttrs> TARGET_SESSION_ATTRS =
            new Setting<>("target_session_attrs", ConnDefaults.TARGET_SESSION_ATTRS);
    static final Setting<LoadBalanceHosts> LOAD_BALANCE_HOSTS =
            new Setting<>("load_balance_hosts", ConnDefaults.LOAD_BALANCE_HOSTS);

    static final Setting<Duration> HOST_CONNECT_TIMEOUT =
            new Setting<>("hostConnectTimeout", ConnDefaults.HOST_CONNECT_TIMEOUT);
    static final Setting<Duration> CONNECT_TIMEOUT = new Setting<>("connectTimeout", ConnDefaults.CONNECT_TIMEOUT);
    static final Setting<Duration> HOST_RECHECK_INTERVAL =
            new Setting<>("hostRecheckInterval", ConnDefaults.HOST_RECHECK_INTERVAL);
    static final Setting<Boolean> KEEPALIVES = new Setting<>("keepalives", ConnDefaults.KEEPALIVES);
    static final Setting<Duration> KEEPALIVES_IDLE = new Setting<>("keepalives_idle", null);
    static final Setting<Duration> KEEPALIVES_INTERVAL = new Setting<>("keepalives_interval", null);
    static final Setting<Integer> KEEPALIVES_COUNT = new Setting<>("keepalives_count", null);

    static final Setting<ProtocolVersion> MIN_PROTOCOL_VERSION =
            new Setting<>("min_protocol_version", ConnDefaults.MIN_PROTOCOL_VERSION);
    static final Setting<ProtocolVersion> MAX_PROTOCOL_VERSION =
            new Setting<>("max_protocol_version", ConnDefaults.MAX_PROTOCOL_VERSION);
    // libpq keywords accepted for compatibility that change nothing here (docs/lifecycle.md §6, §9)
    static final Setting<String> SSL_COMPRESSION = new Setting<>("sslcompression", null);
    static final Setting<String> SSL_KEY_LOG_FILE = new Setting<>("sslkeylogfile", null);
    static final Setting<String> GSS_ENC_MODE = new Setting<>("gssencmode", null);
    static final Setting<String> KRB_SRV_NAME = new Setting<>("krbsrvname", null);
    static final Setting<String> GSS_LIB = new Setting<>("gsslib", null);
    static final Setting<String> GSS_DELEGATION = new Setting<>("gssdelegation", null);
    static final Setting<String> OAUTH_ISSUER = new Setting<>("oauth_issuer", null);
    static final Setting<String> OAUTH_CLIENT_ID = new Setting<>("oauth_client_id", null);
    static final Setting<String> OAUTH_CLIENT_SECRET = new Setting<>("oauth_client_secret", null);
    static final Setting<String> OAUTH_SCOPE = new Setting<>("oauth_scope", null);

    static final Setting<List<String>> EXTENSION_TYPES = new Setting<>("extensionTypes", ConnDefaults.EXTENSION_TYPES);
    static final Setting<Boolean> EXTENSION_TYPES_REQUIRED =
            new Setting<>("extensionTypesRequired", ConnDefaults.EXTENSION_TYPES_REQUIRED);
    static final Setting<Boolean> SERVER_ERROR_DETAIL = new Setting<>("serverErrorDetail", ConnDefaults.SERVER_ERROR_DETAIL);
    static final Setting<Integer> MIN_SCRAM_ITERATIONS =
            new Setting<>("minScramIterations", ConnDefaults.MIN_SCRAM_ITERATIONS);
    static final Setting<Integer> MAX_SCRAM_ITERATIONS =
            new Setting<>("maxScramIterations", ConnDefaults.MAX_SCRAM_ITERATIONS);
    static final Setting<Integer> MAX_MESSAGE_SIZE = new Setting<>("maxMessageSize", ConnDefaults.MAX_MESSAGE_SIZE);
    static final Setting<Integer> PRE_AUTH_MAX_MESSAGE_SIZE =
            new Setting<>("preAuthMaxMessageSize", ConnDefaults.PRE_AUTH_MAX_MESSAGE_SIZE);
    static final Setting<Integer> PREPARED_STATEMENT_CACHE_SIZE =
            new Setting<>("preparedStatementCacheSize", ConnDefaults.PREPARED_STATEMENT_CACHE_SIZE);
    static final Setting<Integer> PIPELINING_LIMIT = new Setting<>("pipeliningLimit", ConnDefaults.PIPELINING_LIMIT);
    static final Setting<Duration> BLOCKING_WAIT_SPIN = new Setting<>("blockingWaitSpin", ConnDefaults.BLOCKING_WAIT_SPIN);
    static final Setting<Duration> CANCEL_GRACE = new Setting<>("cancelGrace", ConnDefaults.CANCEL_GRACE);
    static final Setting<Map<String, String>> STARTUP_PARAMETERS = new Setting<>("startupParameters", Map.of());

    private final String name;
    private final T defaultValue;

    private Setting(String name, T defaultValue) {
        this.name = name;
        this.defaultValue = defaultValue;
    }

    /** The keyword that names this slot in messages (libpq spelling, or this project's camelCase). */
    String name() {
        return name;
    }

    /** The constant default, or {@code null} when there is none or it is derived (see {@link ConnDefaults}). */
    T defaultValue() {
        return defaultValue;
    }

    @Override
    public String toString() {
        return name;
    }
}
