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

    /**
     * The handshake sending {@code startupMessage}, which must be {@link #startupMessage(ConnConfig)} of {@code config};
     * the session's ParameterStatus map is shared through {@code parameterSets} (its factory's).
     *
     * @param passwords where the password comes from when the server asks for one: {@link PasswordLookup#given} of
     *                  the configured one, or the {@code .pgpass} line of this host read then, off the event loop (the
     *                  file is blocking I/O: docs/lifecycle.md §1.6)
     */
    public static StartupHandshake handshake(ConnConfig config, HostSpec host, TlsOutcome.Encrypted tls, BackendMessageDecoder decoder,
                                             SaltedPasswordCache saltedPasswords, PgTracer tracer, StartupMessage startupMessage,
                                             ServerParameterSets parameterSets, PasswordLookup passwords) {
        AuthenticationExchange.Settings auth = new AuthenticationExchange.Settings(config.user(),
                config.password() == null ? config.passwordFile() : null, config.passwordSources(), config.requireAuth(), config.channelBinding(), saltedPasswords, config.minScramIterations(),
                config.maxScramIterations());
        return new StartupHandshake(host.label(), startupMessage, new AuthenticationExchange(host.label(), auth, tls, tracer), passwords,
                config.minProtocolVersion(), decoder, parameterSets);
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
