package io.pgconn;

import java.util.Map;
import java.util.Optional;

/**
 * Root of every failure pgconn reports. Carries the host the failure happened on (as
 * {@code host:port}, or {@code null} when no host was involved, e.g. a configuration error), the
 * SQLSTATE when the server sent one, and every field of the server's
 * <a href="https://www.postgresql.org/docs/current/protocol-error-fields.html">ErrorResponse</a>.
 */
public class PgException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String host;
    /** Transient: its map is not serializable; a deserialized exception reports no server fields. */
    private final transient ServerErrorFields serverFields;
    /** A multi-host walk's report: its host count and lines, of which its message is made ({@link ConnectFailures}). */
    private final WalkReport walkReport;

    public PgException(String host, String message) {
        this(host, message, ServerErrorFields.NONE, null);
    }

    public PgException(String host, String message, Throwable cause) {
        this(host, message, ServerErrorFields.NONE, cause);
    }

    public PgException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(message, cause);
        this.host = host;
        this.serverFields = serverFields == null ? ServerErrorFields.NONE : serverFields;
        this.walkReport = null;
    }

    /** A multi-host walk's report ({@link ConnectFailures#walkReport}): no host of its own, no cause. */
    PgException(String message, ServerErrorFields serverFields, WalkReport walkReport) {
        super(message);
        this.host = null;
        this.serverFields = serverFields == null ? ServerErrorFields.NONE : serverFields;
        this.walkReport = walkReport;
    }

    /** The host ({@code host:port}, or a socket path) the failure happened on; {@code null} when none. */
    public String host() {
        return host;
    }

    /** The SQLSTATE the server sent, if any. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(serverFields().code());
    }

    /** All fields of the server's ErrorResponse, empty when the failure did not come from the server. */
    public ServerErrorFields serverFields() {
        return serverFields == null ? ServerErrorFields.NONE : serverFields;
    }

    /**
     * Whether the server ended the session with this error: its ErrorResponse has severity FATAL or
     * PANIC ({@link ServerErrorFields#endsSession()}), after which PostgreSQL always closes the
     * connection, whatever the SQLSTATE (57P01 admin_shutdown, 25P03
     * idle_in_transaction_session_timeout, 25P04 transaction_timeout, 57P04 database_dropped ...).
     * After startup such an error is a {@link PgClosedException}, and so is every later call's failure
     * on that connection, with the same fields. False for a statement's error (severity ERROR, the
     * session goes on) and for a failure the server did not report (then {@link PgClosedException}
     * alone says the connection is gone: a lost socket, a close).
     */
    public boolean endsSession() {
        return serverFields().endsSession();
    }

    /** Its state when this is a walk's report {@link ConnectFailures} made; {@code null} otherwise. */
    WalkReport walkReport() {
        return walkReport;
    }

    /** Convenience: the raw field map keyed by the protocol's field type byte. */
    public Map<Character, String> serverFieldMap() {
        return serverFields().fields();
    }
}
