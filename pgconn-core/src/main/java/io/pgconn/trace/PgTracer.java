package io.pgconn.trace;

import io.pgconn.AuthMethod;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a connect did, step by step (docs/lifecycle.md §7), and what each statement of a connection did
 * (docs/query.md §8). A tiny SPI with no tracing-library dependency: the Spring Boot starter adapts it
 * to Micrometer Observation. Every method has a no-op default; implementations must be fast and must
 * not throw (whatever they throw, errors included, is swallowed; a VirtualMachineError goes to the
 * thread's uncaught-exception handler). Events never carry secrets: a statement's event has its SQL
 * text and parameter count, never a parameter value.
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

    /**
     * The factory this tracer was given has closed ({@code closeAsync} ended: its connections closed, the event loops it
     * owns stopped): the last event, once, before {@code closeAsync}'s future and {@code whenClosed()} complete, on the
     * thread that ended the close. For a tracer that keeps something per factory (the Spring Boot starter's meters of a
     * factory: they go with it, so an application that makes and closes factories at runtime does not pile them up).
     */
    default void factoryClosed(FactoryClosed event) {
    }

    /**
     * A statement of a connection this factory handed out was submitted: called on the submitting
     * thread (so a tracer can read the caller's context, e.g. its current observation). Returns what
     * hears the statement's end, or null (the default): the tracer does not follow it, and nothing more
     * is made for it. A connection whose factory has no tracer makes no event at all.
     */
    default StatementSpan statementStarted(StatementStarted event) {
        return null;
    }

    /** Hears how one statement ended (docs/query.md §8): exactly once, on the connection's event loop. */
    @FunctionalInterface
    interface StatementSpan {
        void ended(StatementEnded event);
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

    /** The factory closed; {@code name} is its builder's name ({@code PgConnectionFactory.Builder.name}), or null. */
    record FactoryClosed(String name) {
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

    /**
     * One statement submitted on a connection: its SQL text (a script's statements joined by {@code ;\n}),
     * its parameter count (never a value), {@code batchSize} (parameter sets of a batch, statements of a
     * script; 1 otherwise), the server the connection is on ({@code hostSpec}, {@code socketAddress},
     * {@code database}, {@code processId}), and the layer it came through: {@code "core"}, or what the
     * results' subscriber names ({@link StatementLayer}, e.g. {@code "r2dbc"}).
     */
    record StatementStarted(StatementKind kind, String sql, int parameterCount, int batchSize, HostSpec hostSpec,
                            SocketAddress socketAddress, String database, int processId, String layer) {

        /** {@code host:port} or the socket path, as the connection's other messages name it. */
        public String host() {
            return hostSpec.label();
        }

        /** The server's port (TCP, or the number in the socket file name). */
        public int port() {
            return hostSpec.port();
        }
    }

    /**
     * How a statement ended: {@code rows} is the sum of the row counts its command tags carry (rows
     * returned by a SELECT, affected by an INSERT/UPDATE/DELETE/MERGE), -1 when none carried one;
     * {@code sqlState} the server's SQLSTATE of a failure that has one (a server error, a timeout's or
     * cancel's 57014, the FATAL that ended the session), else null; {@code error} the failure the caller
     * got (null on success); {@code elapsed} from submission to the end.
     */
    record StatementEnded(StatementStarted statement, StatementOutcome outcome, long rows, String sqlState,
                          Throwable error, Duration elapsed) {
    }

    /** Which protocol a statement ran with. */
    enum StatementKind {
        /** One statement, extended protocol ({@code query}, {@code statement(...)}, a batch of parameter sets). */
        EXTENDED,
        /** Simple query protocol ({@code simpleQuery}, transaction control, LISTEN). */
        SIMPLE,
        /** Several statements under one Sync ({@code PgConnection.script}). */
        SCRIPT
    }

    /** How a statement ended. */
    enum StatementOutcome {
        SUCCESS,
        /** The server refused or failed it (its SQLSTATE in {@link StatementEnded#sqlState()}). */
        SERVER_ERROR,
        /** The subscriber cancelled, or a cancel request stopped it (57014 without a timeout). */
        CANCELLED,
        /** Its {@code timeout} passed. */
        TIMEOUT,
        /** The session ended before its answer: a lost socket, a close, the server's FATAL. */
        CONNECTION_LOST,
        /** Anything else: a value that could not be encoded, a protocol error. */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
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
