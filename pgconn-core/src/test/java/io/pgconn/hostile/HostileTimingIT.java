package io.pgconn.hostile;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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

    /**
     * A host that the whole connect's deadline cut off — connectTimeout shorter than hostConnectTimeout, a server
     * that accepts and never answers — was not found down: it had less time than a host is given
     * (docs/lifecycle.md §2.4). The factory does not remember it as down, so the next connect starts with the
     * first host again and a pool does not evict its healthy sessions to that host (r2dbc's validate(LOCAL) reads
     * the host memory). It was remembered as down, with "closed" as its error: what the abort did to its socket.
     */
    @Test
    void aHostCutOffByTheWholeConnectDeadlineIsNotRememberedAsDown() {
        try (ScriptedServer silent = ScriptedServer.start(c -> c.readStartupPacket());
             HostileClient client = new HostileClient("sslmode=disable hostConnectTimeout=20s connectTimeout=500ms",
                     PgTracer.noop(), silent)) {
            Refusal.connect(client, PgTimeoutException.class, "connectTimeout=500ms", silent.label())
                    .closed(client, silent);
            client.factory().close(); // its event loop runs what the abort left queued: the aborted attempt's end

            assertThat(client.factory().hostStatus(silent.label()).state()).isEqualTo(HostStatus.State.UNKNOWN);
        }
    }

    /**
     * A host the whole connect's deadline cut short is tried after the others by the next connects (for
     * hostRecheckInterval): a server that accepts and never answers, listed first, with connectTimeout shorter
     * than hostConnectTimeout, took every connect's whole deadline, and the second host was never tried.
     */
    @Test
    void theNextConnectTriesAnotherHostFirstAfterOneWasCutShort() throws Exception {
        try (ScriptedServer silent = ScriptedServer.start(c -> c.readStartupPacket());
             ScriptedServer answering = ScriptedServer.start(c -> {
                 c.readStartupRefusingTls();
                 c.send(Backend.trustLogin());
                 c.awaitClientClose();
             });
             HostileClient client = new HostileClient("sslmode=disable hostConnectTimeout=20s connectTimeout=500ms",
                     PgTracer.noop(), silent, answering)) {
            Refusal.connect(client, PgTimeoutException.class, "connectTimeout=500ms", silent.label());

            PgConnection connection = client.connect();

            assertThat(connection.host()).isEqualTo(answering.label());
            assertThat(silent.connections()).as("the silent host was not dialled again").isEqualTo(1);
            assertThat(client.factory().hostStatus(silent.label()).state()).isEqualTo(HostStatus.State.UNKNOWN);
            connection.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A connect timeout blames the server; when the client's own event loop was blocked past the
     * deadline (a blocking call on it), the timer ran late and the message says so instead of only
     * blaming the server. A timer on time says nothing of the kind.
     */
    @Test
    void aTimeoutRunLateByABlockedClientLoopSaysSo() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch startupRead = new CountDownLatch(2);
        try (ScriptedServer silent = ScriptedServer.start(c -> {
            c.readStartupPacket();
            startupRead.countDown();
        })) {
            ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + silent.port() + " user=alice dbname=app"
                    + " sslmode=disable extensionTypes='' hostConnectTimeout=300ms connectTimeout=10s", EnvironmentSource.of(Map.of()));
            try (PgConnectionFactory factory = PgConnectionFactory.builder(config).eventLoopGroup(group).build()) {
                Throwable onTime = failureOf(factory.connect());
                assertThat(onTime).isInstanceOf(PgTimeoutException.class).hasMessageContaining("within 300ms")
                        .hasMessageNotContaining("event loop");

                CompletableFuture<PgConnection> connect = factory.connect();
                assertThat(startupRead.await(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                // the attempt's timer is set (the server has its startup packet): now the loop blocks past it
                group.next().execute(() -> {
                    try {
                        Thread.sleep(1_500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertThat(failureOf(connect)).isInstanceOf(PgTimeoutException.class)
                        .hasMessageContaining("server " + silent.label() + " did not complete the connection within 300ms")
                        .hasMessageMatching("(?s).*this client's event loop ran the timeout \\d+ms after it was due: it was blocked.*");
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    private static Throwable failureOf(CompletableFuture<PgConnection> connect) throws Exception {
        try {
            PgConnection connection = connect.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            connection.close();
            throw new AssertionError("connected to a silent server: " + connection);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
