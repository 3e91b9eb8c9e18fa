package io.pgconn.trace;

import io.pgconn.AuthMethod;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What a connect did, step by step (docs/lifecycle.md §7). A tiny SPI with no tracing-library
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

    /*
     * Events name hosts twice: as the HostSpec and SocketAddress they were (typed, for metrics and
     * tags such as server.address / server.port / network.peer.address), and as the strings of the
     * first version (host() = "host:port" or the socket path, address() = the dialled address's
     * toString()). The typed components are null only in events built with the older constructors.
     */

    /** A multi-host connect begins; {@code hosts} in the order they will be tried. */
    record ConnectStarted(long connectId, List<String> hosts, TargetSessionAttrs targetSessionAttrs, List<HostSpec> hostSpecs) {

        public ConnectStarted(long connectId, List<String> hosts, TargetSessionAttrs targetSessionAttrs) {
            this(connectId, hosts, targetSessionAttrs, null);
        }

        /** The hosts in the order they will be tried, as configured. */
        public static ConnectStarted of(long connectId, List<HostSpec> hosts, TargetSessionAttrs targetSessionAttrs) {
            return new ConnectStarted(connectId, hosts.stream().map(HostSpec::label).toList(), targetSessionAttrs, List.copyOf(hosts));
        }
    }

    /**
     * One attempt on one host (and address, and encryption choice) begins. {@code tls}: whether it
     * starts with TLS.
     */
    record HostAttemptStarted(long connectId, String host, String address, int pass, boolean tls,
                              HostSpec hostSpec, SocketAddress socketAddress) {

        public HostAttemptStarted(long connectId, String host, String address, int pass, boolean tls) {
            this(connectId, host, address, pass, tls, null, null);
        }

        public static HostAttemptStarted of(long connectId, HostSpec host, SocketAddress address, int pass, boolean tls) {
            return new HostAttemptStarted(connectId, host.label(), String.valueOf(address), pass, tls, host, address);
        }

        /** The server's port (TCP, or the number in the socket file name); -1 when unknown. */
        public int port() {
            return hostSpec == null ? -1 : hostSpec.port();
        }
    }

    /**
     * How one host attempt ended. {@code error} is null on success; {@code role} is known on
     * success and on a role mismatch; {@code tlsProtocol} (e.g. {@code TLSv1.3}) and
     * {@code authMethod} on success.
     */
    record HostAttemptEnded(long connectId, String host, String address, HostOutcome outcome, ServerRole role,
                            String tlsProtocol, AuthMethod authMethod, Throwable error, Duration elapsed,
                            HostSpec hostSpec, SocketAddress socketAddress) {

        public HostAttemptEnded(long connectId, String host, String address, HostOutcome outcome, ServerRole role,
                                String tlsProtocol, AuthMethod authMethod, Throwable error, Duration elapsed) {
            this(connectId, host, address, outcome, role, tlsProtocol, authMethod, error, elapsed, null, null);
        }

        public static HostAttemptEnded of(long connectId, HostSpec host, SocketAddress address, HostOutcome outcome, ServerRole role,
                                          String tlsProtocol, AuthMethod authMethod, Throwable error, Duration elapsed) {
            return new HostAttemptEnded(connectId, host.label(), address == null ? null : address.toString(), outcome, role,
                    tlsProtocol, authMethod, error, elapsed, host, address);
        }

        /** The server's port; -1 when unknown. */
        public int port() {
            return hostSpec == null ? -1 : hostSpec.port();
        }

        /** Whether the session that was established is encrypted. */
        public boolean tls() {
            return tlsProtocol != null;
        }
    }

    /**
     * The multi-host connect ended: {@code host} is the chosen host, or null with {@code error}; the
     * chosen session's address, TLS protocol and authentication method likewise.
     */
    record ConnectEnded(long connectId, String host, ServerRole role, int attempts, Throwable error, Duration elapsed,
                        HostSpec hostSpec, SocketAddress socketAddress, String tlsProtocol, AuthMethod authMethod) {

        public ConnectEnded(long connectId, String host, ServerRole role, int attempts, Throwable error, Duration elapsed) {
            this(connectId, host, role, attempts, error, elapsed, null, null, null, null);
        }

        /** The chosen server's port; -1 when none was chosen. */
        public int port() {
            return hostSpec == null ? -1 : hostSpec.port();
        }
    }

    record InsecureAuthentication(String host, AuthMethod method, String reason) {
    }

    /** A connection handed out earlier is closed; {@code cause} is null for a close asked by the user. */
    record ConnectionClosed(String host, int processId, Throwable cause, HostSpec hostSpec, SocketAddress socketAddress) {

        public ConnectionClosed(String host, int processId, Throwable cause) {
            this(host, processId, cause, null, null);
        }

        /** The server's port; -1 when unknown. */
        public int port() {
            return hostSpec == null ? -1 : hostSpec.port();
        }
    }

    /** The result of one host attempt. */
    enum HostOutcome {
        CONNECTED, ROLE_MISMATCH, REFUSED, TIMEOUT, AUTH_FAILED, SERVER_ERROR, TLS_FAILED, PROTOCOL_ERROR, FAILED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
