package io.pgconn.hostile;

import io.pgconn.PgTimeoutException;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers that stall (docs/testing.md §2, docs/lifecycle.md §3): silent at each step of the handshake, or
 * answering one byte at a time. The host budget and the whole-attempt deadline bound every case;
 * the failure names the host that was in flight and the budget that ran out, and the channel is
 * closed.
 */
class HostileTimingIT {

    private static final String SHORT = "hostConnectTimeout=500ms connectTimeout=3s ";

    private static void timesOut(ScriptedServer.Script script, String options) {
        try (ScriptedServer server = ScriptedServer.start(script)) {
            Refusal.expect(server, SHORT + options, PgTimeoutException.class, "did not complete the connection within 500ms");
        }
    }

    @Test
    void silentAfterAcceptTimesOut() {
        timesOut(c -> c.readStartupPacket(), "sslmode=disable");
    }

    @Test
    void silentAfterSslRequestTimesOut() {
        timesOut(c -> c.readStartupPacket(), "sslmode=require");
    }

    @Test
    void silentTlsHandshakeTimesOut() {
        timesOut(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'S'});
            c.readSome(); // the ClientHello, never answered
        }, "sslmode=require");
    }

    @Test
    void silentAfterThePasswordTimesOut() {
        timesOut(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
        }, "sslmode=disable");
    }

    @Test
    void silentBeforeReadyForQueryTimesOut() {
        timesOut(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0"));
        }, "sslmode=disable");
    }

    @Test
    void oneByteAtATimeHitsTheTotalBudgetNotAnIdleTimer() {
        timesOut(c -> {
            c.readStartupRefusingTls();
            c.trickle(Backend.trustLogin(), 100); // always busy, never done in time
        }, "sslmode=disable");
    }

    @Test
    void wholeAttemptDeadlineNamesTheHostInFlight() {
        try (ScriptedServer silent = ScriptedServer.start(c -> c.readStartupPacket());
             HostileClient client = new HostileClient("sslmode=disable connectTimeout=800ms", PgTracer.noop(), silent)) {
            Refusal.connect(client, PgTimeoutException.class, "connectTimeout=800ms", silent.label())
                    .namesHost(silent).closed(client, silent);
        }
    }

    @Test
    void wholeAttemptDeadlineListsTheHostsTriedAndTheOneInFlight() {
        try (ScriptedServer first = ScriptedServer.start(c -> c.readStartupPacket());
             ScriptedServer second = ScriptedServer.start(c -> c.readStartupPacket());
             HostileClient client = new HostileClient("sslmode=disable hostConnectTimeout=500ms connectTimeout=800ms",
                     PgTracer.noop(), first, second)) {
            Refusal refusal = Refusal.connect(client, PgTimeoutException.class, "connectTimeout=800ms",
                    first.label() + ": server " + first.label() + " did not complete the connection within 500ms", second.label());
            refusal.namesHost(second).closed(client, first, second);
            assertThat(second.connections()).isEqualTo(1);
        }
    }
}
