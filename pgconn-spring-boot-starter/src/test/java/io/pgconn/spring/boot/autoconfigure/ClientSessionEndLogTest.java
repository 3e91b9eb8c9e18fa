package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgClosedException;
import io.pgconn.PgErrors;
import io.pgconn.PgProtocolException;
import io.pgconn.ServerErrorFields;
import io.pgconn.trace.PgTracer.ConnectionClosed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session the client ended itself (a protocol violation, an encoder's failure, an OutOfMemoryError, a TLS record)
 * through the tracer events the factory gives {@link FailoverTracker}: one WARN per session, naming the factory bean,
 * the host, the backend process and why — never the failure's message, which may quote a value. Seen failing before:
 * no line at all (HostSessionLossLog skips these on purpose, and nothing else logged them).
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientSessionEndLogTest {

    private static final String DB1 = "db1:5432";

    private final FailoverTracker tracker = new FailoverTracker("ordersPg");

    @Test
    void eachSessionTheClientEndedIsOneWarnWithItsCauseAndNoValue(CapturedOutput output) {
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 51,
                new PgProtocolException(DB1, "server " + DB1 + " sent DataRow with no query in flight")));
        IllegalStateException encoder = new IllegalStateException("codec of secret_type failed on 'hunter2'");
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 52, new PgClosedException(DB1, "connection to " + DB1 + " failed: " + encoder, encoder)));
        OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve 8192 bytes of direct buffer memory");
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 53, new PgClosedException(DB1, "connection to " + DB1 + " failed: " + oom, oom)));
        PgClosedException tls = new PgClosedException(DB1, "connection to " + DB1 + " failed: TLS");
        tls.addSuppressed(new SSLException("bad record MAC"));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 54, tls));

        assertThat(lines(output)).containsExactly(
                "pgconn [ordersPg]: the client ended a session to db1:5432 (backend process 51): server db1:5432 sent DataRow with no"
                        + " query in flight; the session's work in flight, if any, failed with that error",
                "pgconn [ordersPg]: the client ended a session to db1:5432 (backend process 52): it failed with"
                        + " java.lang.IllegalStateException (its message is not logged: it may quote a value); the session's work in"
                        + " flight, if any, failed with that error",
                "pgconn [ordersPg]: the client ended a session to db1:5432 (backend process 53): it failed with"
                        + " java.lang.OutOfMemoryError (its message is not logged: it may quote a value); the session's work in"
                        + " flight, if any, failed with that error",
                "pgconn [ordersPg]: the client ended a session to db1:5432 (backend process 54): it failed with"
                        + " javax.net.ssl.SSLException (its message is not logged: it may quote a value); the session's work in"
                        + " flight, if any, failed with that error");
        assertThat(output.getAll()).doesNotContain("hunter2").doesNotContain("secret_type").doesNotContain("direct buffer memory");
    }

    /** What the host did ({@link HostSessionLossLog}'s), a close its owner asked for, and the session's own timeout: no line here. */
    @Test
    void aSessionTheHostEndedOrItsOwnerClosedIsNotLoggedHere(CapturedOutput output) {
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 61, PgErrors.fromServer(DB1, new ServerErrorFields(Map.of('S', "FATAL",
                'V', "FATAL", 'C', "57P01", 'M', "terminating connection due to administrator command")), false)));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 62, PgErrors.fromServer(DB1, new ServerErrorFields(Map.of('S', "FATAL",
                'V', "FATAL", 'C', "57P05", 'M', "terminating connection due to idle-session timeout")), false)));
        PgClosedException reset = new PgClosedException(DB1, "connection to " + DB1 + " failed: the server closed the connection (ECONNRESET)");
        reset.addSuppressed(new IOException("Connection reset by peer"));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 63, reset));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 64, null));
        assertThat(lines(output)).isEmpty();
    }

    /** The captured lines of ClientSessionEndLog, from the prefix on. */
    private static List<String> lines(CapturedOutput output) {
        return output.getAll().lines().filter(line -> line.contains(ClientSessionEndLog.class.getSimpleName()) && line.contains("WARN"))
                .map(line -> line.substring(line.indexOf("pgconn [")))
                .toList();
    }
}
