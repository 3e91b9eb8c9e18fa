package io.pgconn.internal.startup;

import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.frontend.StartupMessage;
import io.pgconn.internal.session.ServerParameterSets;
import io.pgconn.internal.tls.TlsOutcome;
import io.pgconn.trace.PgTracer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the handshake of one host from the configuration. */
public final class Startup {

    private Startup() {
    }

    /** The handshake with the password of {@link ConnConfig#passwordFor}, read now: for a caller that is no event loop. */
    public static StartupHandshake handshake(ConnConfig config, HostSpec host, TlsOutcome.Encrypted tls, BackendMessageDecoder decoder,
                                             SaltedPasswordCache saltedPasswords, PgTracer tracer) {
        return handshake(config, host, tls, decoder, saltedPasswords, tracer, startupMessage(config), new ServerParameterSets(),
                config.passwordFor(host));
    }

    /**
     * The handshake sending {@code startupMessage}, which must be {@link #startupMessage(ConnConfig)} of {@code config};
     * the session's ParameterStatus map is shared through {@code parameterSets} (its factory's).
     *
     * @param password {@link ConnConfig#passwordFor} of this host — read before the dial, off the event loop (the
     *                 {@code .pgpass} file is blocking I/O: docs/lifecycle.md §1.6); null: none
     */
    public static StartupHandshake handshake(ConnConfig config, HostSpec host, TlsOutcome.Encrypted tls, BackendMessageDecoder decoder,
                                             SaltedPasswordCache saltedPasswords, PgTracer tracer, StartupMessage startupMessage,
                                             ServerParameterSets parameterSets, String password) {
        AuthenticationExchange.Settings auth = new AuthenticationExchange.Settings(config.user(), () -> password,
                config.password() == null ? config.passwordFile() : null, config.passwordSources(), config.requireAuth(), config.channelBinding(), saltedPasswords, config.minScramIterations(),
                config.maxScramIterations());
        return new StartupHandshake(host.label(), startupMessage,
                new AuthenticationExchange(host.label(), auth, tls, tracer), config.minProtocolVersion(), decoder, parameterSets);
    }

    /** user, database, application_name, options, client_encoding=UTF8, then the configured extras (libpq's order). */
    public static StartupMessage startupMessage(ConnConfig config) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", config.user());
        parameters.put("database", config.database());
        if (config.applicationName() != null && !config.applicationName().isEmpty()) {
            parameters.put("application_name", config.applicationName());
        }
        if (config.options() != null && !config.options().isEmpty()) {
            parameters.put("options", config.options());
        }
        if (config.replication() != null && !config.replication().isEmpty()) {
            parameters.put("replication", config.replication());
        }
        parameters.put("client_encoding", "UTF8");
        parameters.putAll(config.startupParameters());
        return new StartupMessage(config.maxProtocolVersion(), parameters);
    }
}
