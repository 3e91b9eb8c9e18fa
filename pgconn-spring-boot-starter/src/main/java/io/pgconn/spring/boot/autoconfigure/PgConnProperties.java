package io.pgconn.spring.boot.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import java.time.Duration;

/**
 * Configuration properties for pgconn. A setting left unset falls back to what {@code url} says,
 * then to libpq's default. Discrete properties override the URL.
 *
 * <p>Every {@code pg.conn.*} key is pgconn's, so all of them are bound here (the R2DBC pool's
 * {@code pg.conn.pool.*} too, although only the R2DBC auto-configuration reads them) and an unknown
 * one fails start-up ({@code ignoreUnknownFields = false}, docs/starter.md §1): a typo such as
 * {@code pg.conn.target-sesion-attrs} would otherwise be ignored without a trace. The keys of
 * {@code startup-parameters} are free (a map).
 *
 * <p>Its flat keys come in groups, each a package-private base class so the keys keep their names: where a connection
 * lands and as whom ({@code PgConnTargetProperties}), what the client accepts of a server and sends at login
 * ({@code PgConnProtocolProperties}), how a session runs statements ({@code PgConnSessionProperties}); this class adds
 * the starter's own start-up and shutdown and holds the nested groups ({@code ssl}, {@code keepalive}, {@code health},
 * {@code pool}).
 */
@ConfigurationProperties(prefix = "pg.conn", ignoreUnknownFields = false)
public class PgConnProperties extends PgConnSessionProperties {

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
