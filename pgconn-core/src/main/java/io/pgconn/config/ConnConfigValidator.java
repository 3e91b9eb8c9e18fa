package io.pgconn.config;

import io.pgconn.PgConfigException;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cross-checks a resolved configuration before anything is dialled. Each failure names the
 * keyword, the value (never for secrets) and what was expected.
 */
final class ConnConfigValidator {

    /** An SQL identifier as {@code to_regtype} accepts it unquoted, optionally schema-qualified. */
    private static final Pattern TYPE_NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    /** PostgreSQL's NAMEDATALEN - 1. */
    private static final int MAX_IDENTIFIER_BYTES = 63;
    /** Startup parameters the StartupMessage already sends from dedicated settings. */
    private static final Set<String> RESERVED_STARTUP_PARAMETERS =
            Set.of("user", "database", "options", "application_name", "replication", "client_encoding");
    private static final List<Setting<String>> TEXT_SETTINGS = List.of(Setting.USER, Setting.DBNAME,
            Setting.PASSWORD, Setting.APPLICATION_NAME, Setting.OPTIONS, Setting.SSL_PASSWORD, Setting.SSL_ROOT_CERT);
    private static final List<Setting<String>> PATH_SETTINGS = List.of(Setting.PASSFILE, Setting.SSL_CERT, Setting.SSL_KEY,
            Setting.SERVICEFILE, Setting.SSL_CRL, Setting.SSL_CRL_DIR);

    private ConnConfigValidator() {
    }

    /**
     * @param v            resolved values (derived defaults filled in)
     * @param sslModeGiven whether sslmode was set by any source, not defaulted
     */
    static void validate(SettingValues v, boolean sslModeGiven) {
        checkTexts(v);
        checkDurations(v);
        checkTls(v, sslModeGiven);
        checkLimits(v);
        checkExtensionTypes(v.getOrDefault(Setting.EXTENSION_TYPES));
        checkStartupParameters(v.getOrDefault(Setting.STARTUP_PARAMETERS));
        if (v.getOrDefault(Setting.MIN_PROTOCOL_VERSION).compareTo(v.getOrDefault(Setting.MAX_PROTOCOL_VERSION)) > 0) {
            throw fail("min_protocol_version", String.valueOf(v.getOrDefault(Setting.MIN_PROTOCOL_VERSION)), "min_protocol_version " + v.getOrDefault(Setting.MIN_PROTOCOL_VERSION)
                    + " is greater than max_protocol_version " + v.getOrDefault(Setting.MAX_PROTOCOL_VERSION));
        }
    }

    private static void checkTexts(SettingValues v) {
        for (Setting<String> s : TEXT_SETTINGS) {
            String value = v.get(s);
            if (value != null && value.indexOf('\0') >= 0) {
                boolean secret = s == Setting.PASSWORD || s == Setting.SSL_PASSWORD;
                throw fail(s.name(), value, "invalid " + s.name() + " value" + (secret ? "" : ": \"" + SafeText.excerpt(value) + "\"")
                        + " (must not contain NUL characters)");
            }
            if (value != null && !encodable(value)) {
                throw fail(s.name(), null, "invalid " + s.name() + " value (expected text UTF-8 can encode: it holds an"
                        + " unpaired UTF-16 surrogate, which would be sent as '?')");
            }
        }
        for (Setting<String> s : PATH_SETTINGS) {
            String value = v.get(s);
            if (value != null) {
                path(s.name(), value);
            }
        }
    }

    /**
     * {@code value} as a path, or a {@link PgConfigException} naming {@code keyword} (a keyword or an
     * environment variable) — never {@code InvalidPathException}. A NUL shows as {@code ?}.
     */
    static Path path(String keyword, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw fail(keyword, value, "invalid " + keyword + " value: \"" + SafeText.excerpt(value) + "\" (expected a file path: " + e.getReason() + ")");
        }
    }

    private static void checkDurations(SettingValues v) {
        for (Setting<Duration> s : List.of(Setting.HOST_CONNECT_TIMEOUT, Setting.CONNECT_TIMEOUT,
                Setting.HOST_RECHECK_INTERVAL, Setting.KEEPALIVES_IDLE, Setting.KEEPALIVES_INTERVAL)) {
            Duration d = v.get(s);
            if (d != null && d.isNegative()) {
                throw fail(s.name(), String.valueOf(d), "invalid " + s.name() + " value: " + d + " (expected a non-negative duration; 0 disables)");
            }
        }
        Duration spin = v.get(Setting.BLOCKING_WAIT_SPIN);
        if (spin != null && (spin.isNegative() || spin.compareTo(ConnDefaults.MAX_BLOCKING_WAIT_SPIN) > 0)) {
            throw fail("blockingWaitSpin", String.valueOf(spin), "invalid blockingWaitSpin value: " + spin
                    + " (expected a duration from 0 to 10ms, e.g. 100us; 0 parks at once)");
        }
        Duration grace = v.get(Setting.CANCEL_GRACE);
        if (grace != null && (grace.isZero() || grace.isNegative() || grace.compareTo(ConnDefaults.MAX_CANCEL_GRACE) > 0)) {
            throw fail("cancelGrace", String.valueOf(grace), "invalid cancelGrace value: " + grace
                    + " (expected a duration above 0 and at most 1h, e.g. 5s: how long a server asked to stop a statement"
                    + " may stay silent before the connection is closed)");
        }
        Integer cacheSize = v.get(Setting.PREPARED_STATEMENT_CACHE_SIZE);
        if (cacheSize != null && cacheSize < 0) {
            throw fail("preparedStatementCacheSize", String.valueOf(cacheSize), "invalid preparedStatementCacheSize value: " + cacheSize + " (expected a non-negative integer; 0 = unnamed statements only)");
        }
        Integer limit = v.get(Setting.PIPELINING_LIMIT);
        if (limit != null && limit < 0) {
            throw fail("pipeliningLimit", String.valueOf(limit), "invalid pipeliningLimit value: " + limit
                    + " (expected a non-negative integer: exchanges in flight per connection; 0 = no limit, 1 = one at a time)");
        }
        Integer count = v.get(Setting.KEEPALIVES_COUNT);
        if (count != null && count < 0) {
            throw fail("keepalives_count", String.valueOf(count), "invalid keepalives_count value: " + count + " (expected a non-negative integer)");
        }
    }

    private static void checkTls(SettingValues v, boolean sslModeGiven) {
        SslMode mode = v.get(Setting.SSL_MODE);
        if (v.getOrDefault(Setting.SSL_NEGOTIATION) == SslNegotiation.DIRECT && !mode.requiresTls()) {
            throw conflict("sslmode", mode.libpqName(), "sslnegotiation", "weak sslmode \"" + mode.libpqName() + "\" may not be used with sslnegotiation=direct"
                    + " (use require, verify-ca or verify-full)");
        }
        if ("system".equals(v.get(Setting.SSL_ROOT_CERT)) && sslModeGiven && mode != SslMode.VERIFY_FULL) {
            throw conflict("sslmode", mode.libpqName(), "sslrootcert", "weak sslmode \"" + mode.libpqName() + "\" may not be used with sslrootcert=system (use verify-full)");
        }
        if (v.getOrDefault(Setting.CHANNEL_BINDING) == ChannelBindingMode.REQUIRE && mode == SslMode.DISABLE) {
            // libpq would only fail at authentication; the combination can never connect
            throw conflict("channel_binding", "require", "sslmode", "channel_binding=require cannot be used with sslmode=disable (channel binding needs TLS)");
        }
        String min = v.get(Setting.SSL_MIN_PROTOCOL_VERSION);
        String max = v.get(Setting.SSL_MAX_PROTOCOL_VERSION);
        if (max != null && ValueParsers.tlsVersionRank(min) > ValueParsers.tlsVersionRank(max)) {
            throw conflict("ssl_min_protocol_version", min, "ssl_max_protocol_version", "invalid SSL protocol version range: ssl_min_protocol_version " + min
                    + " is greater than ssl_max_protocol_version " + max);
        }
    }

    private static void checkLimits(SettingValues v) {
        int minIter = v.getOrDefault(Setting.MIN_SCRAM_ITERATIONS);
        int maxIter = v.getOrDefault(Setting.MAX_SCRAM_ITERATIONS);
        if (minIter < 1) {
            throw fail("minScramIterations", String.valueOf(minIter), "invalid minScramIterations value: " + minIter + " (expected at least 1)");
        }
        if (minIter > maxIter) {
            throw conflict("maxScramIterations", String.valueOf(maxIter), "minScramIterations", "invalid maxScramIterations value: " + maxIter + " (expected at least minScramIterations, "
                    + minIter + ")");
        }
        int max = v.getOrDefault(Setting.MAX_MESSAGE_SIZE);
        int preAuth = v.getOrDefault(Setting.PRE_AUTH_MAX_MESSAGE_SIZE);
        if (preAuth < ConnDefaults.MIN_MESSAGE_SIZE_LIMIT) {
            throw fail("preAuthMaxMessageSize", String.valueOf(preAuth), "invalid preAuthMaxMessageSize value: " + preAuth + " (expected at least "
                    + ConnDefaults.MIN_MESSAGE_SIZE_LIMIT + " bytes)");
        }
        if (max < preAuth) {
            throw conflict("maxMessageSize", String.valueOf(max), "preAuthMaxMessageSize", "invalid maxMessageSize value: " + max + " (expected at least preAuthMaxMessageSize, " + preAuth + ")");
        }
    }

    private static void checkExtensionTypes(List<String> names) {
        for (String name : names) {
            if (name == null || !TYPE_NAME.matcher(name).matches()) {
                throw fail("extensionTypes", name, "invalid extensionTypes entry: \"" + SafeText.excerpt(name)
                        + "\" (expected a type name [A-Za-z_][A-Za-z0-9_$]*, optionally schema-qualified)");
            }
            for (String part : name.split("\\.")) {
                if (part.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
                    throw fail("extensionTypes", name, "invalid extensionTypes entry: \"" + SafeText.excerpt(name) + "\" (identifiers are at most "
                            + MAX_IDENTIFIER_BYTES + " bytes)");
                }
            }
        }
    }

    private static void checkStartupParameters(Map<String, String> params) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
                throw fail("startupParameters", name, "invalid startupParameters name: \"" + SafeText.excerpt(name) + "\" (expected a non-empty name without NUL)");
            }
            if (RESERVED_STARTUP_PARAMETERS.contains(name)) {
                throw fail("startupParameters", name, "invalid startupParameters name: \"" + SafeText.excerpt(name) + "\" (set by its own setting; use that instead)");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw fail("startupParameters", null, "invalid startupParameters value for \"" + SafeText.excerpt(name) + "\" (expected a value without NUL)");
            }
            if (!encodable(name) || !encodable(e.getValue())) {
                throw fail("startupParameters", null, "invalid startupParameters entry (expected text UTF-8 can encode: it holds"
                        + " an unpaired UTF-16 surrogate, which would be sent as '?')");
            }
        }
    }

    /** Whether UTF-8 encodes {@code text} as it is: false for an unpaired surrogate, which encoders write as '?'. */
    private static boolean encodable(String text) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }

    private static PgConfigException fail(String keyword, String value, String message) {
        return SafeText.settingError(keyword, value, message);
    }

    /** {@code keyword}'s value is wrong only together with {@code other}'s: the error names both settings. */
    private static PgConfigException conflict(String keyword, String value, String other, String message) {
        return SafeText.conflictError(keyword, value, List.of(other), message);
    }
}
