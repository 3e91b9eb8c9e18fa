package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.ErrorMessageLines;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs, once per session at WARN, a session the client ended itself — the server broke the protocol (a message with
 * no query in flight), the session's encoder failed or ran out of direct memory, a TLS record failed — which is no
 * event of its host ({@link HostSessionLossLog} counts only what the host did) and which, on an idle pooled session,
 * no caller's work reported: it logged nothing anywhere. The line names the factory bean, the host and the backend's
 * process id, and why: a protocol violation in pgconn's words (what the server sent, never a value), any other failure
 * by its type only — the message of an encoder's failure may quote a parameter's value, so it stays out (the work on
 * the session, if any, failed with it). A session closed by its owner (no cause) and one the host ended are not
 * logged here. {@link FailoverTracker} feeds it the factory's events; its lines begin like the tracker's,
 * {@code "pgconn [pgConnectionFactory]: "}.
 */
final class ClientSessionEndLog {

    private static final Log logger = LogFactory.getLog(ClientSessionEndLog.class);

    private final String prefix;

    ClientSessionEndLog(String factoryName) {
        this.prefix = "pgconn [" + factoryName + "]: ";
    }

    /** A session to {@code host} handed out earlier closed; {@code cause} null: closed by its owner. */
    void sessionClosed(String host, int processId, Throwable cause) {
        if (cause == null || HostSessionLossLog.isHostEvent(cause)) {
            return;
        }
        logger.warn(this.prefix + "the client ended a session to " + host + " (backend process " + processId + "): "
                + reason(cause) + "; the session's work in flight, if any, failed with that error");
    }

    /** pgconn's words for a protocol violation; else the failure's types only (a message may quote a value). */
    static String reason(Throwable cause) {
        if (cause instanceof PgProtocolException violation) {
            return ErrorMessageLines.oneLine(violation.getMessage());
        }
        Throwable failure = cause;
        while (failure instanceof PgException && failure.getCause() != null && failure.getCause() != failure) {
            failure = failure.getCause();
        }
        if (failure instanceof PgException && failure.getSuppressed().length > 0) {
            failure = failure.getSuppressed()[0]; // the core keeps a socket's (a TLS record's) exception as suppressed
        }
        return "it failed with " + failure.getClass().getName() + " (its message is not logged: it may quote a value)";
    }
}
