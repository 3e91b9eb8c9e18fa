package io.pgconn.trace;

import io.pgconn.AuthMethod;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;

import java.time.Duration;
import java.util.List;

/**
 * What a connect did, step by step (lifecycle spec §7). A tiny SPI with no tracing-library
 * dependency: the Spring Boot starter adapts it to Micrometer Observation. Every method has a
 * no-op default; implementations must be fast and must not throw (exceptions are swallowed).
 * Events never carry secrets.
 */
public interface PgTracer {

    /** The tracer that does nothing. */
    static PgTracer noop() {
        return NoopTracer.INSTANCE;
    }

    default void connectStarted(ConnectStarted event) {
    }

    default void hostAttemptStarted(HostAttemptStarted event) {
    }

    default void hostAttemptEnded(HostAttemptEnded event) {
    }

    default void connectEnded(ConnectEnded event) {
    }

    /** Cleartext password over plaintext, or MD5: allowed by policy, but worth a warning. */
    default void insecureAuthentication(InsecureAuthentication event) {
    }

    default void connectionClosed(ConnectionClosed event) {
    }

    /** A multi-host connect begins; {@code hosts} in the order they will be tried. */
    record ConnectStarted(long connectId, List<String> hosts, TargetSessionAttrs targetSessionAttrs) {
    }

    /** One attempt on one host (and address, and encryption choice) begins. */
    record HostAttemptStarted(long connectId, String host, String address, int pass, boolean tls) {
    }

    /** How one host attempt ended. {@code error} is null on success. */
    record HostAttemptEnded(long connectId, String host, String address, HostOutcome outcome, ServerRole role,
                            String tlsProtocol, AuthMethod authMethod, Throwable error, Duration elapsed) {
    }

    /** The multi-host connect ended: {@code host} is the chosen host, or null with {@code error}. */
    record ConnectEnded(long connectId, String host, ServerRole role, int attempts, Throwable error, Duration elapsed) {
    }

    record InsecureAuthentication(String host, AuthMethod method, String reason) {
    }

    /** A connection handed out earlier is closed; {@code cause} is null for a close asked by the user. */
    record ConnectionClosed(String host, int processId, Throwable cause) {
    }

    /** The result of one host attempt. */
    enum HostOutcome {
        CONNECTED, ROLE_MISMATCH, REFUSED, TIMEOUT, AUTH_FAILED, SERVER_ERROR, TLS_FAILED, PROTOCOL_ERROR, FAILED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
