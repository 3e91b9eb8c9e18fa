package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConfigException;
import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * Core's setting names ({@link PgConfigException#keyword()}: libpq keywords such as {@code sslmode},
 * pgconn's own such as {@code extensionTypes}) and the {@code pg.conn.*} property that sets each, so
 * that a report names the property a user can change, never read from core's message.
 */
final class KeywordProperties {

    private static final Map<String, String> PROPERTY_BY_KEYWORD = Map.ofEntries(
            Map.entry("host", "pg.conn.hosts"),
            Map.entry("hostaddr", "pg.conn.hosts"),
            Map.entry("port", "pg.conn.hosts"),
            Map.entry("dbname", "pg.conn.database"),
            Map.entry("user", "pg.conn.username"),
            Map.entry("password", "pg.conn.password"),
            Map.entry("target_session_attrs", "pg.conn.target-session-attrs"),
            Map.entry("load_balance_hosts", "pg.conn.load-balance-hosts"),
            Map.entry("hostResolver", "pg.conn.host-resolver"),
            Map.entry("connect_timeout", "pg.conn.host-connect-timeout"),
            Map.entry("sslsni", "pg.conn.ssl.sni"),
            Map.entry("sslpassword", "pg.conn.ssl.key-password"),
            Map.entry("keepalives", "pg.conn.keepalive.enabled"),
            Map.entry("keepalives_idle", "pg.conn.keepalive.idle"),
            Map.entry("keepalives_interval", "pg.conn.keepalive.interval"),
            Map.entry("sslmode", "pg.conn.ssl.mode"),
            Map.entry("sslnegotiation", "pg.conn.ssl.negotiation"),
            Map.entry("sslrootcert", "pg.conn.ssl.root-cert"),
            Map.entry("sslcert", "pg.conn.ssl.cert"),
            Map.entry("sslkey", "pg.conn.ssl.key"),
            Map.entry("channel_binding", "pg.conn.channel-binding"),
            Map.entry("require_auth", "pg.conn.require-auth"),
            Map.entry("keepalives_count", "pg.conn.keepalive.count"),
            Map.entry("pipeliningLimit", "pg.conn.pipelining-limit"),
            Map.entry("extensionTypes", "pg.conn.extension-types"),
            Map.entry("extensionTypesRequired", "pg.conn.extension-types-required"),
            Map.entry("maxMessageSize", "pg.conn.max-message-size"),
            Map.entry("preAuthMaxMessageSize", "pg.conn.pre-auth-max-message-size"),
            Map.entry("minScramIterations", "pg.conn.min-scram-iterations"),
            Map.entry("maxScramIterations", "pg.conn.max-scram-iterations"),
            Map.entry("tcp_user_timeout", "pg.conn.tcp-user-timeout"),
            Map.entry("blockingWaitSpin", "pg.conn.blocking-wait-spin"),
            Map.entry("sslProvider", "pg.conn.ssl.provider"),
            Map.entry("cancelGrace", "pg.conn.cancel-grace"),
            Map.entry("serverErrorDetail", "pg.conn.server-error-detail"),
            Map.entry("preparedStatementCacheSize", "pg.conn.prepared-statement-cache-size"),
            Map.entry("startupParameters", "pg.conn.startup-parameters"),
            Map.entry("application_name", "pg.conn.application-name"),
            Map.entry("hosts", "pg.conn.hosts"));

    private KeywordProperties() {
    }

    /** The discrete property that sets {@code keyword}, or {@code null} when only a connection string can. */
    static @Nullable String propertyOf(String keyword) {
        return PROPERTY_BY_KEYWORD.get(keyword);
    }

    /**
     * The property that sets the setting core names ({@link PgConfigException#keyword()}); {@code pg.conn.url}
     * for settings only a connection string sets, {@code pg.conn} when the error is not about one setting.
     */
    static String propertyFor(PgConfigException e) {
        return e.keyword().map(keyword -> PROPERTY_BY_KEYWORD.getOrDefault(keyword, "pg.conn.url")).orElse("pg.conn");
    }
}
