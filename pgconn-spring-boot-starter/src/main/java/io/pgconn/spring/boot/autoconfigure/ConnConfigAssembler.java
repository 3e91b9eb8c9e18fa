package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConfigException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails.Tls;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the factory's {@link ConnConfig} in one order: {@code pg.conn.url}, then the discrete
 * properties, then the {@link PgConnConnectionDetails} (which win for where and as whom), then
 * the {@link ConnConfigCustomizer}s. Every invalid value becomes an
 * {@link InvalidPgConnPropertyException} naming its property.
 */
final class ConnConfigAssembler {

    private ConnConfigAssembler() {
    }

    /**
     * Stands in for {@code PGHOST} while the config is resolved: libpq falls back to
     * {@code localhost}, so only a host no setting can name tells "no host given" apart.
     */
    static final String NO_HOST = "pgconn-no-host.invalid";

    /**
     * Where a password comes from under the starter, for core's "no password was supplied (...)":
     * core's own words name {@code PGPASSWORD}, which the starter does not read (docs/starter.md §1).
     */
    static final String PASSWORD_SOURCES = "pg.conn.password, PG_CONN_PASSWORD, the password in pg.conn.url or .pgpass;"
            + " the starter does not read PGPASSWORD";

    /** Boot's application name: the {@code application_name} default (docs/starter.md §1). */
    static final String SPRING_APPLICATION_NAME = "spring.application.name";

    static ConnConfig assemble(PgConnProperties properties, PgConnConnectionDetails details,
            List<ConnConfigCustomizer> customizers, PropertyResolver environment) {
        PgConnEnvironmentVariables.check(environment); // before any value is used: a typo would change the config
        UnresolvedPlaceholders.check(environment);
        UnitlessConnectTimeouts.check(environment);
        LibpqSpelledProperties.check(environment);
        ConnConfig.Builder builder = ConnConfig.builder().environment(hostVariables(environment))
                .passwordSources(PASSWORD_SOURCES);
        String bundle = properties.getSsl().getBundle();
        if (bundle != null) {
            // a bundle is trust material: verify with it unless the URL or ssl.mode say otherwise
            builder.sslMode(io.pgconn.config.SslMode.VERIFY_FULL);
        }
        applyUrl(builder, properties);
        applyIdentity(builder, properties);
        applyBehaviour(builder, properties, environment);
        if (!(details instanceof PropertiesPgConnConnectionDetails)) {
            // the adapter's values are the properties just applied, but resolved: applying them
            // again would turn defaults (sslmode=prefer) into explicit settings
            applyDetails(builder, details);
        }
        customizers.forEach(c -> c.customize(builder));
        ConnConfig config = withApplicationNameFallback(build(builder, properties, environment), properties, environment);
        if (bundle != null) {
            checkNoFiles(bundle, config);
        }
        if (config.hosts().stream().allMatch(ConnConfigAssembler::isNoHost)) {
            throw new NoPgConnHostException();
        }
        return config;
    }

    /**
     * {@code spring.application.name} as the {@code application_name} when nothing else named one
     * ({@code pg.conn.application-name}, the URL's {@code application_name}, a customizer): libpq's
     * {@code fallback_application_name}, set the way Boot sets it for a Docker Compose PostgreSQL
     * service, so {@code pg_stat_activity} tells the application's sessions apart. An empty
     * {@code pg.conn.application-name} sends none.
     */
    private static ConnConfig withApplicationNameFallback(ConnConfig config, PgConnProperties properties,
            PropertyResolver environment) {
        String springName = environment.getProperty(SPRING_APPLICATION_NAME);
        // an empty property is set too (core keeps no empty name: nothing is sent)
        boolean named = properties.getApplicationName() != null || config.applicationName() != null;
        if (named || springName == null || springName.isBlank()) {
            return config;
        }
        try {
            return config.toBuilder().applicationName(springName).build();
        } catch (PgConfigException e) {
            throw new InvalidPgConnPropertyException(SPRING_APPLICATION_NAME, springName,
                    "used as pgconn's application_name when 'pg.conn.application-name' is not set: " + e.getMessage()
                    + "; set 'pg.conn.application-name'", e);
        }
    }

    /** URL plus the discrete properties that say where and as whom: what the properties adapter exposes. */
    static ConnConfig identity(PgConnProperties properties, PropertyResolver environment) {
        UnresolvedPlaceholders.check(environment); // a placeholder's text would be the host, user or password
        ConnConfig.Builder builder = ConnConfig.builder().environment(hostVariables(environment))
                .passwordSources(PASSWORD_SOURCES);
        if (properties.getSsl().getBundle() != null) {
            builder.sslMode(io.pgconn.config.SslMode.VERIFY_FULL);
        }
        applyUrl(builder, properties);
        applyIdentity(builder, properties);
        return build(builder, properties, environment);
    }

    /** A bundle and files would be two answers to "what do I trust, which key do I present": refuse both. */
    private static void checkNoFiles(String bundle, ConnConfig config) {
        List<String> files = new java.util.ArrayList<>();
        if (config.sslRootCert() != null) {
            files.add("pg.conn.ssl.root-cert (sslrootcert)");
        }
        if (config.sslCert() != null) {
            files.add("pg.conn.ssl.cert (sslcert)");
        }
        if (config.sslKey() != null) {
            files.add("pg.conn.ssl.key (sslkey)");
        }
        if (!files.isEmpty()) {
            throw new InvalidPgConnPropertyException(SslBundleTls.PROPERTY, bundle, "cannot be combined with "
                    + String.join(", ", files) + ": take the trust and the client key either from the SSL bundle"
                    + " or from files, not both", null);
        }
    }

    static boolean isNoHost(HostSpec host) {
        return NO_HOST.equals(host.host());
    }

    /**
     * {@code PGHOST} and {@code PGPORT} only, from Spring's environment: where the server is may come
     * from the platform (as for psql); every other {@code PG*} variable is left to {@code pg.conn.*}.
     */
    private static EnvironmentSource hostVariables(PropertyResolver environment) {
        return name -> switch (name) {
            case "PGHOST" -> {
                String host = environment.getProperty("PGHOST");
                yield host == null || host.isBlank() ? NO_HOST : host;
            }
            case "PGPORT" -> environment.getProperty("PGPORT");
            default -> null;
        };
    }

    private static void applyUrl(ConnConfig.Builder builder, PgConnProperties properties) {
        String url = properties.getUrl();
        if (url == null || url.isBlank()) {
            return;
        }
        try {
            // on its own first: a bad host or port list in the URL would go unnoticed when
            // pg.conn.hosts replaces it, yet it is still a mistake in the configuration
            ConnConfig.builder().connectionString(url).build();
            builder.connectionString(url);
        } catch (PgConfigException e) {
            // the URL itself may hold a password: name the property, never echo the value
            InvalidPgConnPropertyException invalid = invalid("pg.conn.url", e, properties, null);
            String hint = otherDriversUrlHint(url);
            if (hint == null) {
                throw invalid;
            }
            InvalidPgConnPropertyException hinted = new InvalidPgConnPropertyException("pg.conn.url", null, null,
                    List.of(), invalid.getExpected() + "; " + hint, invalid.getCause());
            hinted.setStackTrace(invalid.getStackTrace());
            throw hinted;
        }
    }

    /**
     * For an R2DBC or JDBC URL in {@code pg.conn.url} (user4's F9: the README's {@code r2dbc:pgconn://}
     * form pasted into the starter got only libpq's {@code missing "="}): what the property takes instead.
     */
    static @Nullable String otherDriversUrlHint(String url) {
        String lower = url.strip().toLowerCase(java.util.Locale.ROOT);
        String kind = lower.startsWith("r2dbc:") ? "an R2DBC URL (for ConnectionFactories.get)"
                : lower.startsWith("jdbc:") ? "a JDBC URL" : null;
        return kind == null ? null : "pg.conn.url is " + kind + ", but it takes a libpq connection string: "
                + "postgresql://user@host:port/database?param=value or key=value pairs (host=... dbname=...)";
    }

    private static void applyIdentity(ConnConfig.Builder builder, PgConnProperties p) {
        if (!p.getHosts().isEmpty()) {
            builder.hosts(p.getHosts().stream().map(ConnConfigAssembler::parseHost).toList());
        }
        // an empty value sets nothing, as for every other key (Boot binds "" to a String, unlike an enum or a Path):
        // the usual password: ${DB_PASSWORD:} left empty kept out the URL's password (new user 19's F2)
        setUnlessEmpty(p.getDatabase(), builder::database);
        setUnlessEmpty(p.getUsername(), builder::user);
        setUnlessEmpty(p.getPassword(), builder::password);
        PgConnSslProperties ssl = p.getSsl();
        set(ssl.getMode(), builder::sslMode);
        // a Path so IDEs complete files; "system" (the JVM's trust store) binds as a one-segment path
        set(ssl.getRootCert(), value -> builder.sslRootCert(value.toString()));
        set(ssl.getCert(), builder::sslCert);
        set(ssl.getKey(), builder::sslKey);
        setUnlessEmpty(ssl.getKeyPassword(), builder::sslPassword);
    }

    private static void applyBehaviour(ConnConfig.Builder builder, PgConnProperties p, PropertyResolver environment) {
        set(p.getApplicationName(), builder::applicationName);
        set(p.getTargetSessionAttrs(), builder::targetSessionAttrs);
        set(p.getLoadBalanceHosts(), builder::loadBalanceHosts);
        set(p.getHostResolver(), builder::hostResolver);
        set(p.getChannelBinding(), builder::channelBinding);
        set(p.getRequireAuth(), value -> {
            try {
                builder.requireAuth(value);
            } catch (PgConfigException e) {
                throw new InvalidPgConnPropertyException("pg.conn.require-auth", value, e.getMessage()
                        + "; allowed: none, password, md5, scram-sha-256, scram-sha-256-plus, all plain or all negated with '!'", e);
            }
        });
        set(p.getConnectTimeout(), builder::connectTimeout);
        set(p.getHostConnectTimeout(), builder::hostConnectTimeout);
        set(p.getPipeliningLimit(), builder::pipeliningLimit);
        set(p.getHostRecheckInterval(), builder::hostRecheckInterval);
        set(p.getCancelGrace(), builder::cancelGrace);
        set(p.getServerErrorDetail(), builder::serverErrorDetail);
        set(p.getPreparedStatementCacheSize(), builder::preparedStatementCacheSize);
        set(p.getExtensionTypes(), builder::extensionTypes);
        set(p.getExtensionTypesRequired(), builder::extensionTypesRequired);
        set(p.getMaxMessageSize(), size -> builder.maxMessageSize(bytes("pg.conn.max-message-size", size, environment)));
        set(p.getPreAuthMaxMessageSize(),
                size -> builder.preAuthMaxMessageSize(bytes("pg.conn.pre-auth-max-message-size", size, environment)));
        set(p.getMinScramIterations(), builder::minScramIterations);
        set(p.getMaxScramIterations(), builder::maxScramIterations);
        // core's builder has no typed setter for it: libpq's keyword, in its unit (milliseconds)
        set(p.getTcpUserTimeout(), timeout -> builder.set("tcp_user_timeout",
                Integer.toString(wholeMillis("pg.conn.tcp-user-timeout", timeout, environment))));
        set(p.getBlockingWaitSpin(), builder::blockingWaitSpin);
        if (!p.getStartupParameters().isEmpty()) {
            builder.startupParameters(p.getStartupParameters());
        }
        set(p.getSsl().getNegotiation(), builder::sslNegotiation);
        set(p.getSsl().getSni(), builder::sslSni);
        set(p.getSsl().getProvider(), builder::sslProvider);
        PgConnKeepaliveProperties keepalive = p.getKeepalive();
        set(keepalive.getEnabled(), builder::keepalives);
        set(keepalive.getIdle(), builder::keepalivesIdle);
        set(keepalive.getInterval(), builder::keepalivesInterval);
        set(keepalive.getCount(), builder::keepalivesCount);
    }

    /**
     * A {@link DataSize} property as core's byte count, an {@code int}: a size it cannot hold (2GB and more, or
     * negative) is refused naming the property, rather than wrapped around. Core checks the range it accepts.
     */
    private static int bytes(String property, DataSize size, PropertyResolver environment) {
        long bytes = size.toBytes();
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw invalidValue(property, size.toBytes() + "B", environment, "expected a size from 0B to 2147483647B (2GB"
                    + " minus one byte), e.g. 64MB");
        }
        return (int) bytes;
    }

    /**
     * A {@link Duration} property as whole milliseconds, an {@code int} (libpq's unit for {@code tcp_user_timeout}): a
     * negative one, a fraction of a millisecond or more than {@link Integer#MAX_VALUE} ms is refused naming the property.
     */
    private static int wholeMillis(String property, Duration duration, PropertyResolver environment) {
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0
                || duration.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw invalidValue(property, duration.toString(), environment, "expected whole milliseconds from 0 to"
                    + " 2147483647ms (0: the operating system's default), e.g. 30s");
        }
        return (int) duration.toMillis();
    }

    /** {@code value} of {@code property} refused: as written (placeholders resolved) and where, when it was written. */
    private static InvalidPgConnPropertyException invalidValue(String property, String value, PropertyResolver environment,
            String expected) {
        ConfigurationProperty set = PgConnPropertySources.find(environment, property);
        String written = set == null ? value : PgConnPropertySources.resolvedValue(environment, set).strip();
        return new InvalidPgConnPropertyException(property, written, set != null ? set.getOrigin() : null, List.of(),
                expected, null);
    }

    private static void applyDetails(ConnConfig.Builder builder, PgConnConnectionDetails details) {
        if (!details.getHosts().isEmpty()) {
            builder.hosts(details.getHosts());
        }
        set(details.getDatabase(), builder::database);
        set(details.getUsername(), builder::user);
        set(details.getPassword(), builder::password);
        Tls tls = details.getTls();
        if (tls != null) {
            set(tls.mode(), builder::sslMode);
            set(tls.rootCert(), builder::sslRootCert);
            set(tls.cert(), builder::sslCert);
            set(tls.key(), builder::sslKey);
            set(tls.keyPassword(), builder::sslPassword);
        }
    }

    private static HostSpec parseHost(String text) {
        try {
            return HostSpec.parse(text);
        } catch (PgConfigException e) {
            // core leaves out a value it will not quote (a host holding '@' may be a password's tail): so does the report
            throw new InvalidPgConnPropertyException("pg.conn.hosts", e.value().isPresent() ? text : null,
                    "expected 'host', 'host:port' or '[ipv6]:port' with a port from 1 to 65535 (" + e.getMessage() + ")", e);
        }
    }

    private static ConnConfig build(ConnConfig.Builder builder, PgConnProperties properties, PropertyResolver environment) {
        try {
            return builder.build();
        } catch (PgConfigException e) {
            throw invalid(KeywordProperties.propertyFor(e), e, properties, environment);
        }
    }

    /**
     * Core's reason with every password the properties hold hidden (a parser may quote the text
     * around a bad token). Core's exception is not chained when its message had to be changed,
     * so a logged stack trace cannot show it; its stack trace is kept.
     */
    private static InvalidPgConnPropertyException invalid(String property, PgConfigException e, PgConnProperties p,
            @Nullable PropertyResolver environment) {
        if (environment != null && e.keyword().isPresent() && !e.conflictsWith().isEmpty()) {
            return ConflictReport.of(e, p, environment);
        }
        String message = String.valueOf(e.getMessage());
        List<String> secrets = secrets(p, null);
        String hidden = ConnectionStringSecrets.hideQuotedPartsOfPasswords(ConnectionStringSecrets.hide(message, secrets),
                p.getUrl());
        boolean clean = hidden.equals(message) && e.getCause() == null;
        // core leaves out values of secret settings; the URL's value is never shown (it may hold a password)
        String value = "pg.conn.url".equals(property) ? null : e.value().orElse(null);
        ConfigurationProperty set = environment == null ? null : PgConnPropertySources.find(environment, property);
        InvalidPgConnPropertyException invalid = new InvalidPgConnPropertyException(property, value,
                set != null ? set.getOrigin() : null, List.of(), hidden, clean ? e : null);
        if (!clean) {
            invalid.setStackTrace(e.getStackTrace());
        }
        return invalid;
    }

    /** Every password the properties (and {@code config}, when given: a details bean's) hold, to hide from messages. */
    static List<String> secrets(PgConnProperties p, @Nullable ConnConfig config) {
        List<String> secrets = new java.util.ArrayList<>(ConnectionStringSecrets.passwordsIn(p.getUrl()));
        if (p.getPassword() != null) {
            secrets.add(p.getPassword());
        }
        if (p.getSsl().getKeyPassword() != null) {
            secrets.add(p.getSsl().getKeyPassword());
        }
        if (config != null && config.password() != null) {
            secrets.add(config.password());
        }
        if (config != null && config.sslPassword() != null) {
            secrets.add(config.sslPassword());
        }
        return secrets;
    }

    private static <T> void set(@Nullable T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** {@link #set}, an empty value setting nothing either. */
    private static void setUnlessEmpty(@Nullable String value, Consumer<String> setter) {
        if (value != null && !value.isEmpty()) {
            setter.accept(value);
        }
    }
}
