package io.pgconn.r2dbc;

import io.netty.util.NetUtil;
import io.pgconn.PgConfigException;
import io.pgconn.config.ConnConfig;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns R2DBC {@link ConnectionFactoryOptions} into a pgconn {@link ConnConfig}. The R2DBC standard
 * options map to their libpq counterparts; every other option is a libpq (or pgconn) connection
 * keyword such as {@code target_session_attrs} or {@code sslrootcert}, applied exactly as in a libpq
 * connection string. Options that are neither are not looked at (r2dbc-pool, for one, passes its own
 * options through to the driver it wraps).
 */
final class ConnConfigFromOptions {

    /** The options handled here by their R2DBC meaning rather than as libpq keywords. */
    private static final Set<String> STANDARD = Set.of(ConnectionFactoryOptions.DRIVER.name(),
            ConnectionFactoryOptions.PROTOCOL.name(), ConnectionFactoryOptions.HOST.name(),
            ConnectionFactoryOptions.PORT.name(), ConnectionFactoryOptions.USER.name(),
            ConnectionFactoryOptions.PASSWORD.name(), ConnectionFactoryOptions.DATABASE.name(),
            ConnectionFactoryOptions.CONNECT_TIMEOUT.name(), ConnectionFactoryOptions.SSL.name(),
            ConnectionFactoryOptions.STATEMENT_TIMEOUT.name(), ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT.name());

    private ConnConfigFromOptions() {
    }

    /** The configuration the options describe; {@link IllegalArgumentException} names a bad option. */
    static ConnConfig toConnConfig(ConnectionFactoryOptions options) {
        ConnConfig.Builder builder = ConnConfig.builder();
        try {
            applyHosts(options, builder);
            textOption(options, ConnectionFactoryOptions.USER).ifPresent(builder::user);
            textOption(options, ConnectionFactoryOptions.DATABASE).ifPresent(builder::database);
            Object password = options.getValue(ConnectionFactoryOptions.PASSWORD);
            if (password != null) {
                builder.password(password.toString());
            }
            Duration connectTimeout = duration(options, ConnectionFactoryOptions.CONNECT_TIMEOUT);
            if (connectTimeout != null) {
                builder.connectTimeout(connectTimeout);
            }
            Duration statementTimeout = duration(options, ConnectionFactoryOptions.STATEMENT_TIMEOUT);
            if (statementTimeout != null) {
                builder.startupParameter("statement_timeout", Long.toString(statementTimeout.toMillis()));
            }
            Duration lockTimeout = duration(options, ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT);
            if (lockTimeout != null) {
                builder.startupParameter("lock_timeout", Long.toString(lockTimeout.toMillis()));
            }
            applyKeywords(options, builder);
            applySsl(options, builder);
            return builder.build();
        } catch (PgConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * {@code HOST} is one host or, from a URL such as {@code r2dbc:pgconn://db1:5433,db2/orders}, the
     * comma list the SPI's URL parser leaves unsplit; each entry may carry its own port, and
     * {@code PORT} (or 5432) applies to entries without one.
     */
    private static void applyHosts(ConnectionFactoryOptions options, ConnConfig.Builder builder) {
        String hostOption = textOption(options, ConnectionFactoryOptions.HOST).orElse(null);
        Object portOption = options.getValue(ConnectionFactoryOptions.PORT);
        String defaultPort = portOption == null ? "" : portOption.toString().trim();
        if (!defaultPort.isEmpty() && !defaultPort.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid port \"" + defaultPort + "\": expected a number from 1 to 65535");
        }
        if (hostOption == null) {
            if (!defaultPort.isEmpty()) {
                builder.port(defaultPort);
            }
            return;
        }
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (String entry : hostOption.split(",", -1)) {
            String[] hostAndPort = splitHostPort(entry.trim(), hostOption);
            hosts.add(hostAndPort[0]);
            ports.add(hostAndPort[1] != null ? hostAndPort[1] : defaultPort);
        }
        builder.host(String.join(",", hosts));
        if (ports.stream().anyMatch(p -> !p.isEmpty())) {
            builder.port(String.join(",", ports));
        }
    }

    /** {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} or a socket directory ({@code /tmp}). */
    private static String[] splitHostPort(String entry, String whole) {
        if (entry.startsWith("/")) {
            return new String[] {entry, null};
        }
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid host \"" + whole + "\": unterminated IPv6 literal");
            }
            String host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (rest.isEmpty()) {
                return new String[] {host, null};
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("invalid host \"" + whole + "\": expected :port after ]");
            }
            return new String[] {host, port(rest.substring(1), whole)};
        }
        int colon = entry.indexOf(':');
        if (colon >= 0 && entry.indexOf(':', colon + 1) < 0) {
            return new String[] {entry.substring(0, colon), port(entry.substring(colon + 1), whole)};
        }
        if (colon >= 0 && !NetUtil.isValidIpV6Address(entry)) {
            // db1:5432:x would otherwise become a host name that fails only at connect, as an unknown host
            throw new IllegalArgumentException("invalid host \"" + entry + "\" in host \"" + whole
                    + "\": expected host, host:port (port a number from 1 to 65535), an IPv6 address, or [IPv6]:port");
        }
        return new String[] {entry, null};
    }

    private static String port(String port, String whole) {
        if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid port \"" + port + "\" in host \"" + whole
                    + "\": expected a number from 1 to 65535");
        }
        return port;
    }

    /**
     * Every libpq/pgconn keyword present as an option is applied as in a connection string. The SPI
     * cannot list the options it holds, so the lookup goes by pgconn's keyword list; an option that
     * is no keyword is not seen (as with every R2DBC driver), a keyword with a bad value is an error. A secret
     * keyword is looked up as a sensitive option ({@link PgConnR2dbcOptions}): a plain {@code Option.valueOf} here
     * registered {@code sslpassword} JVM-wide as an option that {@code toString()} prints (REVIEW-20 R1).
     */
    private static void applyKeywords(ConnectionFactoryOptions options, ConnConfig.Builder builder) {
        for (String name : ConnConfig.keywords()) {
            if (STANDARD.contains(name)) {
                continue;
            }
            Object value = options.getValue(PgConnR2dbcOptions.option(name));
            if (value == null) {
                continue;
            }
            try {
                builder.set(name, value instanceof Duration d ? durationText(d) : value instanceof Boolean b ? booleanText(b) : value.toString());
            } catch (PgConfigException e) {
                throw new IllegalArgumentException("R2DBC option \"" + name + "\": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A Java boolean in libpq's spelling, 1 or 0: libpq reads {@code keepalives} as an integer and
     * {@code sslsni} by its first character, so "true" would be an error or mean "off" there.
     */
    private static String booleanText(boolean value) {
        return value ? "1" : "0";
    }

    /**
     * {@code ssl=true} (or the {@code r2dbcs:} scheme) asks for TLS with full verification, as the
     * other R2DBC PostgreSQL driver does; {@code ssl=false} turns TLS off. An explicit {@code sslmode}
     * wins over both.
     */
    private static void applySsl(ConnectionFactoryOptions options, ConnConfig.Builder builder) {
        Object ssl = options.getValue(ConnectionFactoryOptions.SSL);
        if (ssl == null || options.getValue(PgConnR2dbcOptions.option("sslmode")) != null) {
            return;
        }
        boolean on = ssl instanceof Boolean b ? b : parseBoolean(ssl.toString());
        builder.set("sslmode", on ? "verify-full" : "disable");
    }

    private static boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("invalid ssl \"" + text + "\": expected true or false");
        };
    }

    private static Duration duration(ConnectionFactoryOptions options, Option<Duration> option) {
        Object value = options.getValue(option);
        if (value == null) {
            return null;
        }
        if (value instanceof Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("invalid " + option.name() + " \"" + d + "\": must not be negative");
            }
            return d;
        }
        return OptionDuration.parse(option.name(), value.toString());
    }

    private static String durationText(Duration duration) {
        return duration.toMillis() + "ms";
    }

    private static Optional<String> textOption(ConnectionFactoryOptions options, Option<?> option) {
        Object value = options.getValue(option);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }
}
