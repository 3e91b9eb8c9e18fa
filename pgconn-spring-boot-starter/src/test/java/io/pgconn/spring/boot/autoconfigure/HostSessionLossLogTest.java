package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgClosedException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.testing.MutableClock;
import io.pgconn.config.HostSpec;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.PgTracer.ConnectEnded;
import io.pgconn.trace.PgTracer.ConnectionClosed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * user13's F5 through the tracer events the factory gives {@link FailoverTracker}: sessions a host ends are one
 * WARN per event (host and reason, one line), however many; a session its owner closed is none, nor one the client
 * ended (an encoder's failure, a protocol violation); the first
 * statement that succeeds on that host afterwards is one INFO with the time since and the count, and only that host's
 * (not a connect: a pooler accepts logins while the server behind it is away, NEW-USER-24 F3).
 */
@ExtendWith(OutputCaptureExtension.class)
class HostSessionLossLogTest {

    private static final String DB1 = "db1:5432";
    private static final String DB2 = "db2:5432";

    private final MutableClock clock = new MutableClock();

    private final FailoverTracker tracker = new FailoverTracker("ordersPg", this.clock);

    @Test
    void sessionsAHostEndsAreOneWarnAndItsNextConnectOneInfo(CapturedOutput output) {
        this.tracker.connectionClosed(ended(DB1, 11));
        this.tracker.connectionClosed(ended(DB1, 12));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 13, null)); // closed by its owner: not lost
        this.tracker.connectionClosed(ended(DB1, 14));
        this.clock.advance(Duration.ofMillis(320));
        this.tracker.connectEnded(failed());
        answered(this.tracker, DB2);
        assertThat(lines(output, "INFO")).as("a statement elsewhere says nothing about db1").isEmpty();
        this.tracker.connectEnded(landed(DB1));
        assertThat(lines(output, "INFO")).as("a connect says nothing: a pooler accepts logins while the server is away").isEmpty();
        answered(this.tracker, DB1);
        answered(this.tracker, DB1);

        assertThat(lines(output, "WARN")).singleElement().isEqualTo("WARN pgconn [ordersPg]: host db1:5432 ended a session: "
                + "server db1:5432 reported FATAL: terminating connection due to administrator command "
                + "(SQLSTATE 57P01); HINT: restart (sessions it ends until it is seen up again are counted, not logged)");
        assertThat(lines(output, "INFO")).singleElement().isEqualTo("INFO pgconn [ordersPg]: a statement on db1:5432 succeeds again, "
                + "320 ms after it ended a session; 3 sessions lost there meanwhile");
    }

    @Test
    void eachHostAndEachEventHasItsOwnLines(CapturedOutput output) {
        this.tracker.connectionClosed(ended(DB1, 21));
        this.tracker.connectionClosed(ended(DB2, 22));
        answered(this.tracker, DB1);
        this.tracker.connectionClosed(ended(DB1, 23));
        answered(this.tracker, DB1);

        assertThat(lines(output, "WARN")).hasSize(3).allSatisfy(line -> assertThat(line).contains("ended a session: server "));
        assertThat(lines(output, "WARN")).filteredOn(line -> line.contains("host db2:5432")).hasSize(1);
        assertThat(lines(output, "INFO")).hasSize(2).allSatisfy(line -> assertThat(line).contains("a statement on db1:5432 succeeds again")
                .endsWith("1 session lost there meanwhile"));
    }

    /**
     * NEW-USER-22 F5: with health, the first probe the host answers that began after the loss ends it — in whatever role
     * (an old primary back as a standby, which no read-write connect reaches until the next switchover); a probe that
     * began before the loss proves nothing; the later connect says nothing more.
     */
    @Test
    void aProbeTheHostAnswersAfterTheLossEndsItNotTheNextConnect(CapturedOutput output) {
        Instant beforeTheLoss = this.clock.instant();
        this.clock.advance(Duration.ofMillis(5));
        this.tracker.connectionClosed(ended(DB1, 71));
        this.tracker.connectionClosed(ended(DB1, 72));
        this.tracker.hostAnswered(DB1, ServerRole.PRIMARY, beforeTheLoss); // its answer may have left before the FATAL
        this.tracker.hostAnswered(DB2, ServerRole.PRIMARY, this.clock.instant().plusMillis(1)); // another host
        assertThat(lines(output, "INFO")).isEmpty();
        this.clock.advance(Duration.ofMillis(800));
        this.tracker.hostAnswered(DB1, ServerRole.STANDBY, this.clock.instant().minusMillis(100));
        this.tracker.hostAnswered(DB1, ServerRole.STANDBY, this.clock.instant());
        this.clock.advance(Duration.ofMinutes(11));
        this.tracker.connectEnded(landed(DB1));
        answered(this.tracker, DB1);

        assertThat(lines(output, "WARN")).singleElement().asString().contains("host db1:5432 ended a session: ");
        assertThat(lines(output, "INFO")).singleElement().isEqualTo("INFO pgconn [ordersPg]: host db1:5432 is up again (standby), "
                + "800 ms after it ended a session; 2 sessions lost there meanwhile");
    }

    @Test
    void aSessionClosedByItsOwnerLogsNothing(CapturedOutput output) {
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 31, null)); // the application's, a pool's eviction
        this.tracker.hostAnswered(DB1, ServerRole.STANDBY, this.clock.instant().plusMillis(1));
        answered(this.tracker, DB1);
        assertThat(lines(output, "WARN")).isEmpty();
        assertThat(lines(output, "INFO")).isEmpty();
    }

    /**
     * A session the server ended for its own idleness or length is no event of its host (a server with
     * idle_session_timeout below the pool's idle time would log a WARN/INFO pair per expiry); a terminated one is.
     */
    @Test
    void aSessionsOwnTimeoutIsNoHostEvent(CapturedOutput output) {
        this.tracker.connectionClosed(endedWith(DB1, 41, "57P05", "terminating connection due to idle-session timeout"));
        this.tracker.connectionClosed(endedWith(DB1, 42, "25P03", "terminating connection due to idle-in-transaction timeout"));
        this.tracker.connectionClosed(endedWith(DB1, 43, "25P04", "terminating connection due to transaction timeout"));
        answered(this.tracker, DB1);
        assertThat(lines(output, "WARN")).isEmpty();
        assertThat(lines(output, "INFO")).isEmpty();
        this.tracker.connectionClosed(endedWith(DB1, 44, "57P01", "terminating connection due to administrator command"));
        assertThat(lines(output, "WARN")).singleElement().asString().contains("(SQLSTATE 57P01)");
    }

    /**
     * A session the client ended — its encoder failed or ran out of direct memory ({@code CloseCause.failed}'s
     * text, which quotes the failure), it broke the protocol — is no event of its host: no WARN, no INFO.
     */
    @Test
    void aSessionTheClientEndedIsNoHostEvent(CapturedOutput output) {
        OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve 8192 bytes of direct buffer memory");
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 51, new PgClosedException(DB1, "connection to " + DB1 + " failed: " + oom, oom)));
        IllegalStateException encoder = new IllegalStateException("codec of secret_type failed");
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 52, new PgClosedException(DB1, "connection to " + DB1 + " failed: " + encoder, encoder)));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 53, new PgProtocolException(DB1, "server " + DB1 + " sent DataRow with no query in flight")));
        answered(this.tracker, DB1);
        assertThat(output.getAll()).doesNotContain("secret_type").doesNotContain("direct buffer memory");
        assertThat(lines(output, "WARN")).isEmpty();
        assertThat(lines(output, "INFO")).isEmpty();
    }

    /** A reset socket is the host's doing (the core says it in its words and keeps the IOException as suppressed). */
    @Test
    void aResetSocketIsAHostEvent(CapturedOutput output) {
        PgClosedException reset = new PgClosedException(DB1, "connection to " + DB1 + " failed: the server closed the connection (ECONNRESET)");
        reset.addSuppressed(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"));
        this.tracker.connectionClosed(new ConnectionClosed(DB1, 61, reset));
        answered(this.tracker, DB1);
        assertThat(lines(output, "WARN")).singleElement().asString()
                .endsWith("host db1:5432 ended a session: connection to db1:5432 failed: the server closed the connection (ECONNRESET) "
                        + "(sessions it ends until it is seen up again are counted, not logged)");
        assertThat(lines(output, "INFO")).singleElement().asString().endsWith("1 session lost there meanwhile");
    }

    /**
     * NEW-USER-23 F7: trackers that share one log (as {@link FailoverTrackers} makes them: the auto-configured factory's
     * and every runtime factory's) log a host's event once — one WARN, by the first factory that lost a session there,
     * whatever the others lose meanwhile — and one return line counting each factory's sessions by name; another host's
     * event is its own. Before session 24 each tracker logged its own WARN and return line (4 and 4 here).
     */
    @Test
    void trackersSharingALogLogAHostsEventOnceNamingEachFactory(CapturedOutput output) {
        HostSessionLossLog shared = new HostSessionLossLog(this.clock);
        FailoverTracker control = new FailoverTracker("pgConnectionFactory", this.clock, shared);
        List<FailoverTracker> tenants = List.of(new FailoverTracker("tenant-1", this.clock, shared),
                new FailoverTracker("tenant-2", this.clock, shared), new FailoverTracker("tenant-3", this.clock, shared));
        control.connectionClosed(ended(DB1, 81));
        control.connectionClosed(ended(DB1, 82));
        int pid = 83;
        for (FailoverTracker tenant : tenants) {
            tenant.connectionClosed(ended(DB1, pid++));
        }
        tenants.get(2).connectionClosed(ended(DB1, pid++));
        tenants.get(0).connectionClosed(ended(DB2, pid++));
        this.clock.advance(Duration.ofMillis(450));
        answered(tenants.get(1), DB1); // ends db1's event for every factory
        control.hostAnswered(DB1, ServerRole.STANDBY, this.clock.instant());

        assertThat(lines(output, "WARN")).filteredOn(line -> line.contains(DB1)).singleElement()
                .isEqualTo("WARN pgconn [pgConnectionFactory]: host db1:5432 ended a session: server db1:5432 reported FATAL: "
                        + "terminating connection due to administrator command (SQLSTATE 57P01); HINT: restart (sessions it ends "
                        + "until it is seen up again are counted, not logged)");
        assertThat(lines(output, "WARN")).filteredOn(line -> line.contains(DB2)).singleElement().asString()
                .startsWith("WARN pgconn [tenant-1]: host db2:5432 ended a session");
        assertThat(lines(output, "INFO")).singleElement().isEqualTo("INFO pgconn [tenant-2]: a statement on db1:5432 succeeds "
                + "again, 450 ms after it ended a session; 6 sessions of 4 factories lost there meanwhile (pgConnectionFactory 2, "
                + "tenant-1 1, tenant-2 1, tenant-3 2)");
    }

    /** With many factories the return line names the first ones and counts the rest. */
    @Test
    void theReturnLineNamesTheFirstFactoriesAndCountsTheRest(CapturedOutput output) {
        HostSessionLossLog shared = new HostSessionLossLog(this.clock);
        int factories = HostSessionLossLog.FACTORIES_NAMED + 13;
        for (int i = 1; i <= factories; i++) {
            new FailoverTracker("tenant-" + i, this.clock, shared).connectionClosed(ended(DB1, i));
        }
        this.clock.advance(Duration.ofMillis(5));
        new FailoverTracker("pgConnectionFactory", this.clock, shared).hostAnswered(DB1, ServerRole.STANDBY, this.clock.instant());

        assertThat(lines(output, "WARN")).singleElement().asString().startsWith("WARN pgconn [tenant-1]: host db1:5432 ended a session");
        assertThat(lines(output, "INFO")).singleElement().asString()
                .startsWith("INFO pgconn [pgConnectionFactory]: host db1:5432 is up again (standby), 5 ms after it ended a session; "
                        + factories + " sessions of " + factories + " factories lost there meanwhile (tenant-1 1, ")
                .contains("tenant-" + HostSessionLossLog.FACTORIES_NAMED + " 1, and 13 more)")
                .doesNotContain("tenant-" + (HostSessionLossLog.FACTORIES_NAMED + 1) + " ");
    }

    /**
     * NEW-USER-24 F3: behind PgBouncer a switchover makes the pooler accept every login and end the session at its
     * first query (FATAL 08P01 "server login has been failing, try again later (server_login_retry)") for its
     * server_login_retry; ending the loss at each login logged a WARN and an INFO per pooled connect (418 lines in 15 s).
     * Logins the pooler accepted end nothing: one WARN for all of them, and one INFO at the first statement that
     * succeeds, counting them.
     */
    @Test
    void loginsAPoolerAcceptsDoNotEndTheLossAStatementThatSucceedsDoes(CapturedOutput output) {
        this.tracker.connectionClosed(ended(DB1, 90));
        for (int pid = 91; pid <= 100; pid++) {
            this.tracker.connectEnded(landed(DB1));
            this.tracker.connectionClosed(endedWith(DB1, pid, "08P01", "server login has been failing, try again later (server_login_retry)"));
        }
        failedStatement(this.tracker, DB1);
        assertThat(lines(output, "INFO")).as("no statement succeeded yet").isEmpty();
        this.clock.advance(Duration.ofSeconds(15));
        answered(this.tracker, DB1);

        assertThat(lines(output, "WARN")).singleElement().asString().contains("host db1:5432 ended a session: ");
        assertThat(lines(output, "INFO")).singleElement().isEqualTo("INFO pgconn [ordersPg]: a statement on db1:5432 succeeds "
                + "again, 15000 ms after it ended a session; 11 sessions lost there meanwhile");
    }

    /** A statement on {@code host} through {@code tracker} that succeeds. */
    private static void answered(FailoverTracker tracker, String host) {
        statement(tracker, host, PgTracer.StatementOutcome.SUCCESS);
    }

    /** A statement on {@code host} through {@code tracker} that the session's end failed. */
    private static void failedStatement(FailoverTracker tracker, String host) {
        statement(tracker, host, PgTracer.StatementOutcome.CONNECTION_LOST);
    }

    private static void statement(FailoverTracker tracker, String host, PgTracer.StatementOutcome outcome) {
        PgTracer.StatementStarted started = new PgTracer.StatementStarted(PgTracer.StatementKind.SIMPLE, "SELECT 1", 0, 1,
                HostSpec.parse(host), null, "orders", 7, "core");
        PgTracer.StatementSpan span = tracker.statementStarted(started);
        if (span != null) {
            span.ended(new PgTracer.StatementEnded(started, outcome, 1, null, null, Duration.ofMillis(1)));
        }
    }

    /** The captured lines of {@code level} from HostSessionLossLog, as "LEVEL message". */
    private static List<String> lines(CapturedOutput output, String level) {
        return output.getAll().lines().filter(line -> line.contains(HostSessionLossLog.class.getSimpleName()) && line.contains(level))
                .map(line -> level + " " + line.substring(line.indexOf("pgconn [")))
                .toList();
    }

    /** A restart's 57P01 as the core reports it (the server's FATAL, its HINT on a line of its own). */
    private static ConnectionClosed ended(String host, int processId) {
        PgException fatal = PgErrors.fromServer(host, new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', "57P01",
                'M', "terminating connection due to administrator command", 'H', "restart")), false);
        return new ConnectionClosed(host, processId, fatal);
    }

    /** A session's end as the core reports it: the server's FATAL with its fields. */
    private static ConnectionClosed endedWith(String host, int processId, String sqlState, String message) {
        PgException fatal = PgErrors.fromServer(host, new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', sqlState, 'M', message)), false);
        return new ConnectionClosed(host, processId, fatal);
    }

    private static ConnectEnded landed(String host) {
        return new ConnectEnded(1, host, ServerRole.PRIMARY, 1, null, Duration.ofMillis(1));
    }

    private static ConnectEnded failed() {
        return new ConnectEnded(2, null, null, 1, new PgClosedException(DB1, "refused"), Duration.ofMillis(1));
    }
}
