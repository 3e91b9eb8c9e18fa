package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;

/**
 * The R2DBC driver {@code pgconn}: {@code ConnectionFactories.get("r2dbc:pgconn://app@db1,db2/orders?target_session_attrs=read-write")}.
 * Standard options (host, port, user, password, database, connectTimeout, ssl, statementTimeout,
 * lockWaitTimeout) map to their libpq counterparts, and every libpq keyword pgconn knows is accepted
 * as an option; {@code resetOnRelease} ({@link PgConnR2dbcOptions#RESET_ON_RELEASE}) is the pool's reset on release.
 * Each factory created here owns its own {@link PgConnectionFactory}, with its own
 * event loops and host memory; to share one, build {@link PgConnR2dbcConnectionFactory} directly.
 */
public final class PgConnR2dbcConnectionFactoryProvider implements ConnectionFactoryProvider {

    /** The driver name of R2DBC URLs: {@code r2dbc:pgconn://...}. */
    public static final String DRIVER = "pgconn";

    static {
        // before any URL parsed from now on registers sslpassword & co. as options toString() prints (PgConnR2dbcOptions)
        PgConnR2dbcOptions.registerSecrets();
    }

    /** For {@link java.util.ServiceLoader} ({@code ConnectionFactories.get}). */
    public PgConnR2dbcConnectionFactoryProvider() {
    }

    @Override
    public PgConnR2dbcConnectionFactory create(ConnectionFactoryOptions options) {
        if (!supports(options)) {
            throw new IllegalArgumentException("driver \"" + options.getValue(ConnectionFactoryOptions.DRIVER)
                    + "\" is not " + DRIVER);
        }
        Object protocol = options.getValue(ConnectionFactoryOptions.PROTOCOL);
        if (protocol != null && !protocol.toString().isEmpty()) {
            throw new IllegalArgumentException("protocol \"" + protocol + "\" in r2dbc:" + DRIVER
                    + ":" + protocol + "://...: the pgconn driver has none, expected r2dbc:" + DRIVER + "://...");
        }
        // checked before the core factory (its event loops) exists: a bad value leaves nothing to close
        String reset = ResetOnReleaseSql.ofOption(PgConnR2dbcOptions.RESET_ON_RELEASE.name(),
                options.getValue(PgConnR2dbcOptions.RESET_ON_RELEASE));
        return PgConnR2dbcConnectionFactory.owning(PgConnectionFactory.create(ConnConfigFromOptions.toConnConfig(options)), reset);
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return DRIVER;
    }
}
