package io.pgconn.r2dbc;

import io.pgconn.PgConfigException;
import io.pgconn.config.ConnConfig;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

/**
 * The pgconn driver's R2DBC options beyond the SPI's standard ones. Every libpq/pgconn keyword is an option of
 * its name ({@code Option.valueOf("target_session_attrs")}); the keywords whose value is a secret — the core's
 * list, {@link PgConfigException#isSecret} — are <em>sensitive</em> options, which
 * {@link ConnectionFactoryOptions#toString()} (and so {@code ConnectionFactories}' "Unable to create a
 * ConnectionFactory for ..." message) never prints: {@link #SSL_PASSWORD}, {@link #OAUTH_CLIENT_SECRET} and the
 * SPI's own {@link ConnectionFactoryOptions#PASSWORD}.
 *
 * <p>The SPI keeps one option per name for the whole JVM, and the first registration decides whether it is
 * sensitive. This class registers the secret keywords as sensitive when it is loaded, which the driver's
 * provider does when {@code ServiceLoader} instantiates it. An R2DBC URL carrying such a keyword in its query
 * string ({@code ?sslpassword=...}) that is parsed before that registers it as a plain option, whose value is
 * then printed: give a secret other than the password through the options builder with these constants
 * (docs/r2dbc.md §1).
 */
public final class PgConnR2dbcOptions {

    /** libpq's {@code sslpassword}: the passphrase of an encrypted {@code sslkey}. Sensitive. */
    public static final Option<CharSequence> SSL_PASSWORD = Option.sensitiveValueOf("sslpassword");

    /** {@code oauth_client_secret}: the OAuth client's secret. Sensitive. */
    public static final Option<CharSequence> OAUTH_CLIENT_SECRET = Option.sensitiveValueOf("oauth_client_secret");

    /**
     * {@code resetOnRelease}: SQL a pool's connections run on every release after which their session was used
     * ({@link PgConnPools.Builder#resetOnRelease}) — {@code DISCARD_ALL}, {@code RESET_ALL} or SQL of one's own, e.g.
     * {@code r2dbc:pool:pgconn://app@db1/orders?resetOnRelease=DISCARD_ALL} (r2dbc-pool's URL). A one-word value that is
     * neither name is refused (docs/r2dbc.md §1).
     */
    public static final Option<CharSequence> RESET_ON_RELEASE = Option.valueOf("resetOnRelease");

    static {
        for (String keyword : ConnConfig.keywords()) {
            option(keyword);
        }
    }

    private PgConnR2dbcOptions() {
    }

    /** The option of a libpq/pgconn keyword: sensitive for a secret ({@link PgConfigException#isSecret}). */
    static Option<Object> option(String keyword) {
        return PgConfigException.isSecret(keyword) ? Option.sensitiveValueOf(keyword) : Option.valueOf(keyword);
    }

    /** Loads this class, registering the secret keywords as sensitive options if nothing registered them first. */
    static void registerSecrets() {
        // the static initializer did it
    }
}
