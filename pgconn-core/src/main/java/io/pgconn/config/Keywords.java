package io.pgconn.config;

import io.pgconn.config.ValueParsers.TextParser;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text keywords (connection strings, service files) and {@code PG*} environment variables,
 * each bound to the {@link Setting} it writes and the parser for its text. Several names may
 * write one slot: libpq's {@code connect_timeout} (seconds) and this project's
 * {@code hostConnectTimeout} (any duration) are the same setting.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS">libpq parameter keywords</a>
 * @see <a href="https://www.postgresql.org/docs/current/libpq-envars.html">libpq environment variables</a>
 */
final class Keywords {

    /** A name bound to a slot and a parser. */
    record Binding<T>(String name, Setting<T> setting, TextParser<T> parser) {

        /** Parses {@code value} and stores it in {@code target}, replacing what was there. */
        void apply(SettingValues target, String value) {
            target.put(setting, parse(value));
        }

        T parse(String value) {
            return parser.parse(name, value);
        }
    }

    private static final Map<String, Binding<?>> KEYWORDS = new LinkedHashMap<>();
    private static final Map<String, Binding<?>> ENVIRONMENT = new LinkedHashMap<>();
    /** libpq keywords refused by name, with a reason rather than "invalid connection option" (docs/lifecycle.md §9). */
    private static final java.util.Set<String> UNSUPPORTED = java.util.Set.of("scram_client_key", "scram_server_key");

    static {
        keyword("host", Setting.HOST, ValueParsers::text, "PGHOST");
        keyword("hostaddr", Setting.HOSTADDR, ValueParsers::text, "PGHOSTADDR");
        keyword("port", Setting.PORT, ValueParsers::text, "PGPORT");
        keyword("dbname", Setting.DBNAME, ValueParsers::text, "PGDATABASE");
        keyword("user", Setting.USER, ValueParsers::text, "PGUSER");
        keyword("password", Setting.PASSWORD, ValueParsers::text, "PGPASSWORD");
        keyword("passfile", Setting.PASSFILE, ValueParsers::text, "PGPASSFILE");
        keyword("service", Setting.SERVICE, ValueParsers::text, "PGSERVICE");
        keyword("servicefile", Setting.SERVICEFILE, ValueParsers::text, "PGSERVICEFILE");
        keyword("application_name", Setting.APPLICATION_NAME, ValueParsers::text, "PGAPPNAME");
        keyword("fallback_application_name", Setting.FALLBACK_APPLICATION_NAME, ValueParsers::text, null);
        keyword("client_encoding", Setting.CLIENT_ENCODING, ValueParsers::clientEncoding, "PGCLIENTENCODING");
        keyword("options", Setting.OPTIONS, ValueParsers::text, "PGOPTIONS");
        keyword("replication", Setting.REPLICATION, ValueParsers::replication, null);
        keyword("sslmode", Setting.SSL_MODE, enumParser(SslMode.class), "PGSSLMODE");
        // libpq's old spelling: a value starting with 1 is sslmode=require, anything else sslmode=prefer
        keyword("requiressl", Setting.SSL_MODE, ValueParsers::requireSsl, null);
        keyword("sslnegotiation", Setting.SSL_NEGOTIATION, enumParser(SslNegotiation.class), "PGSSLNEGOTIATION");
        keyword("sslrootcert", Setting.SSL_ROOT_CERT, ValueParsers::text, "PGSSLROOTCERT");
        keyword("sslcert", Setting.SSL_CERT, ValueParsers::text, "PGSSLCERT");
        keyword("sslkey", Setting.SSL_KEY, ValueParsers::text, "PGSSLKEY");
        keyword("sslpassword", Setting.SSL_PASSWORD, ValueParsers::text, null);
        keyword("sslsni", Setting.SSL_SNI, ValueParsers::libpqSni, "PGSSLSNI");
        keyword("sslcertmode", Setting.SSL_CERT_MODE, enumParser(SslCertMode.class), "PGSSLCERTMODE");
        keyword("sslcrl", Setting.SSL_CRL, ValueParsers::text, "PGSSLCRL");
        keyword("sslcrldir", Setting.SSL_CRL_DIR, ValueParsers::text, "PGSSLCRLDIR");
        keyword("sslcompression", Setting.SSL_COMPRESSION, ValueParsers::text, "PGSSLCOMPRESSION");
        keyword("sslkeylogfile", Setting.SSL_KEY_LOG_FILE, ValueParsers::text, null);
        keyword("requirepeer", Setting.REQUIRE_PEER, ValueParsers::text, "PGREQUIREPEER");
        keyword("gssencmode", Setting.GSS_ENC_MODE, ValueParsers::gssEncMode, "PGGSSENCMODE");
        keyword("krbsrvname", Setting.KRB_SRV_NAME, ValueParsers::text, "PGKRBSRVNAME");
        keyword("gsslib", Setting.GSS_LIB, ValueParsers::text, "PGGSSLIB");
        keyword("gssdelegation", Setting.GSS_DELEGATION, ValueParsers::text, "PGGSSDELEGATION");
        keyword("oauth_issuer", Setting.OAUTH_ISSUER, ValueParsers::text, null);
        keyword("oauth_client_id", Setting.OAUTH_CLIENT_ID, ValueParsers::text, null);
        keyword("oauth_client_secret", Setting.OAUTH_CLIENT_SECRET, ValueParsers::text, null);
        keyword("oauth_scope", Setting.OAUTH_SCOPE, ValueParsers::text, null);
        keyword("ssl_min_protocol_version", Setting.SSL_MIN_PROTOCOL_VERSION, ValueParsers::tlsVersion,
                "PGSSLMINPROTOCOLVERSION");
        keyword("ssl_max_protocol_version", Setting.SSL_MAX_PROTOCOL_VERSION, ValueParsers::tlsVersion,
                "PGSSLMAXPROTOCOLVERSION");
        keyword("sslProvider", Setting.SSL_PROVIDER, (k, v) -> LibpqValue.parse(SslProviderKind.class, k, v), null);
        keyword("hostResolver", Setting.HOST_RESOLVER, enumParser(HostResolverKind.class), null);
        keyword("channel_binding", Setting.CHANNEL_BINDING, enumParser(ChannelBindingMode.class), "PGCHANNELBINDING");
        keyword("require_auth", Setting.REQUIRE_AUTH, (k, v) -> RequireAuth.parse(v), "PGREQUIREAUTH");
        keyword("target_session_attrs", Setting.TARGET_SESSION_ATTRS, enumParser(TargetSessionAttrs.class),
                "PGTARGETSESSIONATTRS");
        keyword("load_balance_hosts", Setting.LOAD_BALANCE_HOSTS, enumParser(LoadBalanceHosts.class),
                "PGLOADBALANCEHOSTS");
        keyword("connect_timeout", Setting.HOST_CONNECT_TIMEOUT, ValueParsers::libpqTimeout, "PGCONNECT_TIMEOUT");
        keyword("hostConnectTimeout", Setting.HOST_CONNECT_TIMEOUT, ValueParsers::duration, null);
        keyword("connectTimeout", Setting.CONNECT_TIMEOUT, ValueParsers::duration, null);
        keyword("hostRecheckInterval", Setting.HOST_RECHECK_INTERVAL, ValueParsers::duration, null);
        keyword("keepalives", Setting.KEEPALIVES, ValueParsers::libpqKeepalives, null);
        keyword("tcp_user_timeout", Setting.TCP_USER_TIMEOUT, ValueParsers::tcpUserTimeout, null);
        keyword("keepalives_idle", Setting.KEEPALIVES_IDLE, ValueParsers::keepaliveSeconds, null);
        keyword("keepalives_interval", Setting.KEEPALIVES_INTERVAL, ValueParsers::keepaliveSeconds, null);
        keyword("keepalives_count", Setting.KEEPALIVES_COUNT, ValueParsers::keepaliveCount, null);
        keyword("min_protocol_version", Setting.MIN_PROTOCOL_VERSION, ValueParsers::protocolVersion, "PGMINPROTOCOLVERSION");
        keyword("max_protocol_version", Setting.MAX_PROTOCOL_VERSION, ValueParsers::protocolVersion, "PGMAXPROTOCOLVERSION");
        keyword("extensionTypes", Setting.EXTENSION_TYPES, ValueParsers::list, null);
        keyword("extensionTypesRequired", Setting.EXTENSION_TYPES_REQUIRED, ValueParsers::bool, null);
        keyword("minScramIterations", Setting.MIN_SCRAM_ITERATIONS, ValueParsers::integer, null);
        keyword("maxScramIterations", Setting.MAX_SCRAM_ITERATIONS, ValueParsers::integer, null);
        keyword("maxMessageSize", Setting.MAX_MESSAGE_SIZE, ValueParsers::size, null);
        keyword("preAuthMaxMessageSize", Setting.PRE_AUTH_MAX_MESSAGE_SIZE, ValueParsers::size, null);
        keyword("preparedStatementCacheSize", Setting.PREPARED_STATEMENT_CACHE_SIZE, ValueParsers::nonNegative, null);
        keyword("blockingWaitSpin", Setting.BLOCKING_WAIT_SPIN, ValueParsers::shortDuration, null);
        keyword("pipeliningLimit", Setting.PIPELINING_LIMIT, ValueParsers::nonNegative, null);
        keyword("cancelGrace", Setting.CANCEL_GRACE, ValueParsers::duration, null);
        keyword("serverErrorDetail", Setting.SERVER_ERROR_DETAIL, ValueParsers::bool, null);
    }

    private Keywords() {
    }

    private static <T> void keyword(String name, Setting<T> setting, TextParser<T> parser, String envVar) {
        KEYWORDS.put(name, new Binding<>(name, setting, parser));
        if (envVar != null) {
            ENVIRONMENT.put(envVar, new Binding<>(envVar, setting, parser));
        }
    }

    private static <E extends Enum<E> & LibpqValue> TextParser<E> enumParser(Class<E> type) {
        return (keyword, value) -> LibpqValue.parseExact(type, keyword, value);
    }

    /** The binding for a keyword; an unknown keyword is an error naming it (libpq). */
    static Binding<?> forKeyword(String keyword) {
        Binding<?> binding = KEYWORDS.get(keyword);
        if (UNSUPPORTED.contains(keyword)) {
            throw SafeText.settingError(keyword, null, "connection option \"" + keyword + "\" is not supported by pgconn"
                    + " (libpq's SCRAM pass-through keys; give the password instead)");
        }
        if (binding == null) {
            throw SafeText.settingError(keyword, null, "invalid connection option \"" + SafeText.excerpt(keyword) + "\"");
        }
        return binding;
    }

    static boolean isKeyword(String keyword) {
        return KEYWORDS.containsKey(keyword);
    }

    /** Every keyword, in a stable order. */
    static java.util.Set<String> names() {
        return Collections.unmodifiableSet(KEYWORDS.keySet());
    }

    /** Every environment variable this client reads for settings, with its binding, in a stable order. */
    static Map<String, Binding<?>> environmentVariables() {
        return Collections.unmodifiableMap(ENVIRONMENT);
    }
}
