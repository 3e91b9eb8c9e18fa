package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgTimeoutException;
import io.pgconn.trace.PgTracer;
import io.pgconn.testkit.ServerCertificate;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * cancel() against a server that takes the cancel connection and then never answers (a SIGSTOPped
 * postmaster looks like this): one deadline over the whole cancel — dial, TLS, send, wait for the
 * server to close — after which the cancel socket is closed; close() of a busy TLS session leaves no
 * cancel socket behind either (docs/lifecycle.md §4).
 */
class HostileCancelIT {

    /** The first connection is a TLS session whose query never ends; later ones (cancel requests) get no answer to SSLRequest. */
    private static final class StalledCancelServer {
        final CountDownLatch cancelDialled = new CountDownLatch(1);
        final CountDownLatch cancelSocketClosed = new CountDownLatch(1);
        final CountDownLatch queryReceived = new CountDownLatch(1);
        private final AtomicInteger order = new AtomicInteger();
        final ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupAcceptingTls(TlsMaterial.server(ServerCertificate.TRUSTED));
                c.send(Backend.trustLogin());
                c.readMessage(); // the query, never answered
                queryReceived.countDown();
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // SSLRequest of the cancel connection: no answer, ever
                cancelDialled.countDown();
                c.awaitClientClose();
                cancelSocketClosed.countDown();
            }
        });
    }

    /**
     * hostConnectTimeout bounds the session's own TLS connect too, so it leaves that connect room on a loaded machine
     * (1 s did not: "did not complete the connection within 1000ms" at load average 13); the cancel's deadline is read
     * from both sides below.
     */
    private static HostileClient client(ScriptedServer server) {
        return new HostileClient("sslmode=verify-full " + TlsMaterial.trustedRoot() + " hostConnectTimeout=3s", PgTracer.noop(), server);
    }

    @Test
    void cancelOverTlsHasOneDeadlineAndClosesItsSocketWhenItPasses() throws Exception {
        StalledCancelServer stalled = new StalledCancelServer();
        try (ScriptedServer server = stalled.server; HostileClient client = client(server)) {
            PgConnection connection = client.connect();
            CompletableFuture<?> query = connection.simpleQuery("SELECT pg_sleep(3600)");
            assertThat(stalled.queryReceived.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            CompletableFuture<Void> cancel = connection.cancel();
            assertThatThrownBy(() -> cancel.get(30, TimeUnit.SECONDS))
                    .as("the cancel gives up after hostConnectTimeout=3s instead of hanging")
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PgTimeoutException.class)
                    .hasMessageContaining(server.label()).hasMessageContaining("cancel");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("the cancel ended at its one deadline (hostConnectTimeout=3s), not before it")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2900))
                    .as("one deadline, not the 10 s default nor two of 3 s in a row").isLessThan(Duration.ofSeconds(9));
            assertThat(stalled.cancelSocketClosed.await(5, TimeUnit.SECONDS)).as("the cancel socket was closed").isTrue();
            connection.close().get(10, TimeUnit.SECONDS);
            query.handle((r, e) -> null).get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            assertThat(client.factory().openConnections()).isZero();
        }
    }

    @Test
    void closeOfABusySessionWhoseCancelGoesUnansweredEndsWithinItsDeadline() throws Exception {
        CountDownLatch queryReceived = new CountDownLatch(1);
        CountDownLatch cancelRead = new CountDownLatch(1);
        CountDownLatch cancelSocketClosed = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                c.readMessage(); // the query, never answered
                queryReceived.countDown();
                c.awaitClientClose();
            } else {
                c.readStartupPacket(); // the CancelRequest, read and never acted on: the socket stays open
                cancelRead.countDown();
                c.awaitClientClose();
                cancelSocketClosed.countDown();
            }
        }); HostileClient client = new HostileClient("sslmode=disable hostConnectTimeout=30s", PgTracer.noop(), server)) {
            PgConnection connection = client.connect();
            CompletableFuture<?> query = connection.simpleQuery("SELECT pg_sleep(3600)");
            assertThat(queryReceived.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            connection.close().get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("close() ends at its own deadline (2 s), not at the cancel request's (hostConnectTimeout=30s)")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(cancelRead.await(5, TimeUnit.SECONDS)).as("close() of a busy session sends a cancel").isTrue();
            assertThat(cancelSocketClosed.await(5, TimeUnit.SECONDS)).as("the cancel socket was closed").isTrue();
            query.handle((r, e) -> null).get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            assertThat(client.factory().openConnections()).isZero();
        }
    }

    /**
     * The order a backend needs to end cleanly (new user 19, F3): the CancelRequest reaches the server while nothing
     * more came on the session's socket, the Terminate follows once the server closed the cancel connection, and the
     * session's socket is left for the server to close after it.
     */
    @Test
    void closeOfABusySessionSendsTheTerminateOnlyAfterTheCancelEnded() throws Exception {
        CountDownLatch queryReceived = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        AtomicReference<Conversation> session = new AtomicReference<>();
        AtomicInteger sessionBytesWhenTheCancelCame = new AtomicInteger(-1);
        AtomicReference<Character> afterTheAnswer = new AtomicReference<>();
        AtomicInteger order = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
                session.set(c);
                c.readMessage(); // the query
                queryReceived.countDown();
                assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
                c.send(Backend.poolerError("57014", "canceling statement due to user request"), Backend.readyForQuery());
                afterTheAnswer.set(c.readMessage().type());
                c.close(); // as a backend exits after Terminate
            } else {
                assertThat(c.readStartupPacket().isCancelRequest()).isTrue();
                sessionBytesWhenTheCancelCame.set(session.get().available());
                cancelled.countDown();
                c.close(); // as the postmaster does once it signalled the backend
            }
        }); HostileClient client = new HostileClient("sslmode=disable", PgTracer.noop(), server)) {
            PgConnection connection = client.connect();
            CompletableFuture<?> query = connection.simpleQuery("SELECT pg_sleep(3600)");
            assertThat(queryReceived.await(5, TimeUnit.SECONDS)).isTrue();
            connection.close().get(20, TimeUnit.SECONDS);
            query.handle((r, e) -> null).get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
            assertThat(sessionBytesWhenTheCancelCame.get()).as("bytes on the session's socket when the cancel came: no Terminate yet").isZero();
            assertThat(afterTheAnswer.get()).as("what the client sent after the statement's answer").isEqualTo('X');
            assertThat(client.factory().openConnections()).isZero();
        }
    }

    @Test
    void closeOfABusyTlsSessionLeavesNoCancelSocketBehind() throws Exception {
        StalledCancelServer stalled = new StalledCancelServer();
        try (ScriptedServer server = stalled.server; HostileClient client = client(server)) {
            PgConnection connection = client.connect();
            CompletableFuture<?> query = connection.simpleQuery("SELECT pg_sleep(3600)");
            assertThat(stalled.queryReceived.await(5, TimeUnit.SECONDS)).isTrue();
            connection.close().get(10, TimeUnit.SECONDS);
            assertThat(stalled.cancelDialled.await(5, TimeUnit.SECONDS)).as("close() of a busy session sends a cancel").isTrue();
            assertThat(stalled.cancelSocketClosed.await(5, TimeUnit.SECONDS)).as("the cancel socket was closed").isTrue();
            query.handle((r, e) -> null).get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }
}
