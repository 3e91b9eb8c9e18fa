package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ChannelBindingMode;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code pg.conn.*} settings of what the client accepts of a server and sends it at login: the authentication
 * methods, channel binding and SCRAM iterations allowed, the largest messages it reads, the socket's
 * {@code TCP_USER_TIMEOUT} and the extra startup parameters.
 *
 * <p>One of the groups of {@link PgConnProperties}, the class bound to {@code pg.conn}: a base class of it, not a
 * nested property, so each key keeps its flat name ({@code pg.conn.require-auth}) and the generated configuration
 * metadata is what it was before the split (docs/starter.md §1). Package-private: the keys and their accessors are
 * {@code PgConnProperties}' API (javac gives it public bridges of them); not bound by itself.
 */
abstract class PgConnProtocolProperties extends PgConnTargetProperties {

    /**
     * Use of SCRAM channel binding: disable, prefer or require. Defaults to prefer.
     */
    private @Nullable ChannelBindingMode channelBinding;

    /**
     * Authentication methods the server may ask for, e.g. 'scram-sha-256' or '!password,!md5'.
     * Defaults to any method.
     */
    private @Nullable String requireAuth;

    /**
     * Fewest SCRAM iterations a server may ask for: a login with a weaker password verifier is refused. At least
     * 1. Core's 'minScramIterations'.
     */
    private @Nullable Integer minScramIterations;

    /**
     * Most SCRAM iterations a server may ask for: a login asking more (CPU spent on every connect) is refused. At
     * least 'min-scram-iterations'. Core's 'maxScramIterations'.
     */
    private @Nullable Integer maxScramIterations;

    /**
     * Largest message the server may send once logged in (a row, an error, a notice); a larger one closes the
     * connection instead of being buffered. At most 2GB minus one byte, at least 'pre-auth-max-message-size'.
     * Core's 'maxMessageSize'.
     */
    private @Nullable DataSize maxMessageSize;

    /**
     * Largest message the server may send before the login succeeded (what an unauthenticated peer can make the
     * client buffer). At least 1KB. Core's 'preAuthMaxMessageSize'.
     */
    private @Nullable DataSize preAuthMaxMessageSize;

    /**
     * How long data sent may stay unacknowledged before the operating system closes the connection (the socket's
     * TCP_USER_TIMEOUT; epoll and io_uring transports only, the NIO transport warns once that it cannot). Whole
     * milliseconds; 0 = the operating system's default. libpq's 'tcp_user_timeout'.
     */
    private @Nullable Duration tcpUserTimeout;

    /**
     * Extra run-time parameters sent in the startup message, e.g. 'search_path'.
     */
    private Map<String, String> startupParameters = new LinkedHashMap<>();

    public @Nullable ChannelBindingMode getChannelBinding() {
        return this.channelBinding;
    }

    public void setChannelBinding(@Nullable ChannelBindingMode channelBinding) {
        this.channelBinding = channelBinding;
    }

    public @Nullable String getRequireAuth() {
        return this.requireAuth;
    }

    public void setRequireAuth(@Nullable String requireAuth) {
        this.requireAuth = requireAuth;
    }

    public @Nullable Integer getMinScramIterations() {
        return this.minScramIterations;
    }

    public void setMinScramIterations(@Nullable Integer minScramIterations) {
        this.minScramIterations = minScramIterations;
    }

    public @Nullable Integer getMaxScramIterations() {
        return this.maxScramIterations;
    }

    public void setMaxScramIterations(@Nullable Integer maxScramIterations) {
        this.maxScramIterations = maxScramIterations;
    }

    public @Nullable DataSize getMaxMessageSize() {
        return this.maxMessageSize;
    }

    public void setMaxMessageSize(@Nullable DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public @Nullable DataSize getPreAuthMaxMessageSize() {
        return this.preAuthMaxMessageSize;
    }

    public void setPreAuthMaxMessageSize(@Nullable DataSize preAuthMaxMessageSize) {
        this.preAuthMaxMessageSize = preAuthMaxMessageSize;
    }

    public @Nullable Duration getTcpUserTimeout() {
        return this.tcpUserTimeout;
    }

    public void setTcpUserTimeout(@Nullable Duration tcpUserTimeout) {
        this.tcpUserTimeout = tcpUserTimeout;
    }

    public Map<String, String> getStartupParameters() {
        return this.startupParameters;
    }

    public void setStartupParameters(Map<String, String> startupParameters) {
        this.startupParameters = startupParameters;
    }
}
