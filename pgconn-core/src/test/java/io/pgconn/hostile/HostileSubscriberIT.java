package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriberFailure;
import io.pgconn.notify.SubscriberState;
import io.pgconn.notify.SubscriptionEvents;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.RecordingListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link NotificationSubscriber}'s LISTEN or UNLISTEN is in flight when the server ends the session
 * (FATAL 57P01, as pg_terminate_backend sends it, instead of the answer): the call does not fail with
 * the lost connection; it completes once the next session LISTENs on exactly the channel set.
 */
class HostileSubscriberIT {

    private static final String OPTIONS = "sslmode=disable";

    private static final ReconnectPolicy QUICK = new ReconnectPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50));

    /**
     * Session 1 answers its first statement and ends the session (FATAL 57P01) on its second; later
     * sessions answer every statement, recorded in {@code laterStatements}, until the client terminates.
     */
    private static ScriptedServer server(Set<String> laterStatements) {
        AtomicInteger sessions = new AtomicInteger();
        return ScriptedServer.start(c -> {
            int session = sessions.incrementAndGet();
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (int answered = 0; session > 1 || answered < 1; answered++) { // later sessions: until the client is gone
                Conversation.Message query = c.readMessage();
                if (query.type() == 'X') {
                    return; // Terminate: the subscriber was closed
                }
                assertThat(query.type()).isEqualTo('Q');
                String sql = query.bodyText().trim();
                if (session > 1) {
                    laterStatements.add(sql);
                }
                c.send(Backend.message('C', Backend.cstring(sql.split(" ")[0])), Backend.readyForQuery());
            }
            assertThat(c.readMessage().type()).isEqualTo('Q'); // the call under test, never answered
            c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
            c.awaitClientClose();
        });
    }

    @Test
    void aListenInFlightWhenTheSessionEndsCompletesOnTheNextSession() throws Exception {
        Set<String> secondSession = ConcurrentHashMap.newKeySet();
        try (ScriptedServer server = server(secondSession); HostileClient client = new HostileClient(server, OPTIONS)) {
            NotificationSubscriber subscriber = NotificationSubscriber.open(client.factory(), QUICK, SubscriptionEvents.NONE)
                    .get(5, TimeUnit.SECONDS);
            subscriber.listen("a", n -> { }).get(5, TimeUnit.SECONDS);
            CompletableFuture<Void> listenB = subscriber.listen("b", n -> { });
            listenB.get(5, TimeUnit.SECONDS);
            assertThat(secondSession).containsExactlyInAnyOrder("LISTEN \"a\"", "LISTEN \"b\"");
            assertThat(server.connections()).isEqualTo(2);
            SubscriberState state = subscriber.state();
            assertThat(state.status()).isEqualTo(SubscriberState.Status.LISTENING);
            assertThat(state.channels()).containsExactly("a", "b");
            assertThat(state.lastFailure()).extracting(SubscriberFailure::kind, SubscriberFailure::sqlState)
                    .containsExactly(SubscriberFailure.Kind.CONNECTION_LOST, "57P01");
            subscriber.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void anUnlistenInFlightWhenTheSessionEndsCompletesOnTheNextSessionWithoutTheChannel() throws Exception {
        Set<String> secondSession = ConcurrentHashMap.newKeySet();
        try (ScriptedServer server = server(secondSession); HostileClient client = new HostileClient(server, OPTIONS)) {
            NotificationSubscriber subscriber = NotificationSubscriber.open(client.factory(), QUICK, SubscriptionEvents.NONE)
                    .get(5, TimeUnit.SECONDS);
            subscriber.listen("a", n -> { }).get(5, TimeUnit.SECONDS);
            subscriber.unlisten("a").get(5, TimeUnit.SECONDS);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(secondSession).as("the new session LISTENs on nothing").isEmpty();
            assertThat(subscriber.state().status()).isEqualTo(SubscriberState.Status.LISTENING);
            assertThat(subscriber.state().channels()).isEmpty();
            subscriber.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * REVIEW-9 F3: a server met in recovery during a failover (target_session_attrs=any, the default: the old
     * primary restarted as a standby, the DNS name or VIP not moved yet) refuses LISTEN with 25006 — for
     * every channel. That is the connection's problem, not the channel's: the channels are kept and the
     * subscriber re-connects until a primary LISTENs (it used to drop every channel, end their listeners and
     * stay LISTENING on nothing, never re-connecting). Session 1: LISTEN answered, then FATAL 57P01; session 2:
     * in recovery, LISTEN refused with 25006; later sessions: a primary.
     */
    @Test
    void aServerInRecoveryDuringAFailoverKeepsTheChannelsAndReconnects() throws Exception {
        AtomicInteger sessions = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            int session = sessions.incrementAndGet();
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            while (true) {
                Conversation.Message query = c.readMessage();
                if (query.type() == 'X') {
                    return;
                }
                String sql = query.bodyText().trim();
                if (session == 2 && sql.startsWith("LISTEN")) {
                    c.send(error("25006", "cannot execute LISTEN during recovery"), Backend.readyForQuery());
                    continue;
                }
                c.send(Backend.message('C', Backend.cstring(sql.split(" ")[0])), Backend.readyForQuery());
                if (session == 1 && sql.startsWith("LISTEN")) {
                    c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
                    c.awaitClientClose();
                    return;
                }
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            NotificationSubscriber subscriber = NotificationSubscriber.open(client.factory(),
                    new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofMillis(10), Duration.ofMillis(50)),
                    SubscriptionEvents.NONE).get(5, TimeUnit.SECONDS);
            RecordingListener listener = new RecordingListener();
            subscriber.listen("a", listener).get(5, TimeUnit.SECONDS);
            // settled: the listener ended (the bug), or a later session took over with the channel
            Conditions.awaitCondition("the subscriber settled after the server in recovery", Duration.ofSeconds(10),
                    () -> listener.isCompleted() || server.connections() >= 3 && subscriber.state().status() == SubscriberState.Status.LISTENING);
            SubscriberState state = subscriber.state();
            assertThat(listener.isCompleted()).as("the channel's listener was ended by a server in recovery (state %s, %d sessions)",
                    state, server.connections()).isFalse();
            assertThat(state.channels()).as("channels after the failover (state %s)", state).containsExactly("a");
            assertThat(server.connections()).as("sessions: a re-connect after the server in recovery").isGreaterThanOrEqualTo(3);
            assertThat(state.lastFailure()).as("the attempt the server in recovery failed")
                    .extracting(SubscriberFailure::kind, SubscriberFailure::sqlState)
                    .containsExactly(SubscriberFailure.Kind.CONNECT_FAILED, "25006");
            subscriber.close().get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * REVIEW-10 (observation): a server that does not support LISTEN at all answers it with ERROR 0A000
     * feature_not_supported — CockroachDB ("unimplemented"), YugabyteDB ("LISTEN not supported yet"), a
     * pooler that refuses session features. Another connection to it cannot change that, so it is the
     * channel's refusal, as for a refused name: the call fails with the server's error naming the channel,
     * the channel is dropped, and the subscriber stays on its connection. It used to be taken for the
     * connection's failure: re-connect after re-connect (for ever under the default policy), the call never
     * completing. Session 1 is refused at login (57P03) so the first listen() meets 0A000 while session 2
     * catches up; the second meets it on the working connection.
     */
    @Test
    void aServerThatDoesNotSupportListenFailsTheCallInsteadOfReconnecting() throws Exception {
        AtomicInteger sessions = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            int session = sessions.incrementAndGet();
            c.readStartupRefusingTls();
            if (session == 1) {
                c.send(Backend.errorResponse("57P03", "the database system is starting up"));
                return;
            }
            c.send(Backend.trustLogin());
            for (Conversation.Message query = c.readMessage(); query.type() != 'X'; query = c.readMessage()) {
                c.send(error("0A000", "unimplemented: LISTEN is not supported"), Backend.readyForQuery());
            }
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            NotificationSubscriber subscriber = NotificationSubscriber.start(client.factory(),
                    new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofMillis(10), Duration.ofMillis(50)),
                    SubscriptionEvents.NONE);
            RecordingListener caughtUp = new RecordingListener();
            Throwable duringCatchUp = failureOf(subscriber.listen("a", caughtUp), subscriber, server);
            assertThat(duringCatchUp).isInstanceOf(PgServerException.class).hasMessageContaining("LISTEN \"a\" refused");
            assertThat(((PgServerException) duringCatchUp).sqlState()).contains("0A000");
            caughtUp.awaitCompleted();
            assertThat(subscriber.state().lastFailure()).extracting(SubscriberFailure::kind, SubscriberFailure::sqlState)
                    .containsExactly(SubscriberFailure.Kind.CHANNEL_REFUSED, "0A000");
            // the call fails as the channel is dropped; session 2 takes over right after, without it
            Conditions.awaitCondition("session 2 took over", () -> subscriber.state().status() == SubscriberState.Status.LISTENING);

            RecordingListener working = new RecordingListener();
            Throwable onTheWorkingConnection = failureOf(subscriber.listen("b", working), subscriber, server);
            assertThat(((PgServerException) onTheWorkingConnection).sqlState()).contains("0A000");
            working.awaitCompleted();

            SubscriberState state = subscriber.state();
            assertThat(state.status()).isEqualTo(SubscriberState.Status.LISTENING);
            assertThat(state.channels()).isEmpty();
            assertThat(server.connections()).as("sessions: no re-connect for a server without LISTEN").isEqualTo(2);
            subscriber.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /**
     * Session 10's leftover: a listen() whose LISTEN is in flight on a connection that is then replaced — its
     * server turned read-only (a switchover: ParameterStatus default_transaction_read_only=on while the LISTEN
     * waits), the role check re-connects — fails only once the new connection took over, when that connection's
     * server refused the channel while catching up (42602). The call then waits for the next connection as a call
     * the lost connection never answered does, and must fail with the refusal; it completed normally: the
     * refusals were forgotten when the new connection took over, the call asked only after that.
     */
    @Test
    void aListenInFlightOnAReplacedConnectionFailsWhenTheNewConnectionRefusedItsChannel() throws Exception {
        AtomicInteger sessions = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (c.readStartupRefusingTls().isCancelRequest()) {
                return; // close() of the replaced connection cancels its LISTEN first
            }
            int session = sessions.incrementAndGet();
            c.send(Backend.trustLogin());
            for (Conversation.Message query = c.readMessage(); query.type() != 'X'; query = c.readMessage()) {
                String sql = query.bodyText().trim();
                if (session == 1 && sql.startsWith("LISTEN")) { // never answered: the server turns read-only meanwhile
                    c.send(Backend.parameterStatus("default_transaction_read_only", "on"));
                    c.awaitClientClose();
                    return;
                }
                if (sql.startsWith("LISTEN")) {
                    c.send(error("42602", "invalid channel name"), Backend.readyForQuery());
                } else if (sql.contains("pg_is_in_recovery")) { // the role check's round trip: a primary
                    c.send(Backend.oneRow(new String[]{"pg_is_in_recovery", "current_setting"}, new String[]{"f", "off"}));
                } else {
                    c.send(Backend.message('C', Backend.cstring(sql.split(" ")[0])), Backend.readyForQuery());
                }
            }
        }); HostileClient client = new HostileClient(server, OPTIONS + " target_session_attrs=read-write")) {
            AtomicInteger reconnected = new AtomicInteger();
            SubscriptionEvents events = new SubscriptionEvents() {
                @Override
                public void reconnected(PgConnection connection, int attempts) {
                    reconnected.incrementAndGet();
                }
            };
            NotificationSubscriber subscriber = NotificationSubscriber.open(client.factory(),
                    new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofMillis(10), Duration.ofMillis(50))
                            .withRoleCheckInterval(Duration.ofMillis(20)), events).get(5, TimeUnit.SECONDS);
            RecordingListener listener = new RecordingListener();

            Throwable failure = failureOf(subscriber.listen("x", listener), subscriber, server);

            assertThat(failure).isInstanceOf(PgServerException.class).hasMessageContaining("LISTEN \"x\" refused");
            assertThat(((PgServerException) failure).sqlState()).contains("42602");
            listener.awaitCompleted();
            assertThat(reconnected).as("the new connection took over").hasValue(1);
            SubscriberState state = subscriber.state();
            assertThat(state.status()).isEqualTo(SubscriberState.Status.LISTENING);
            assertThat(state.channels()).isEmpty();
            subscriber.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /** The failure {@code call} completes with within 10 s; else an AssertionError telling where the subscriber is. */
    private static Throwable failureOf(CompletableFuture<Void> call, NotificationSubscriber subscriber, ScriptedServer server)
            throws InterruptedException {
        try {
            call.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail; it completed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not complete within 10 s: " + server.connections() + " sessions, state "
                    + subscriber.state(), e);
        }
    }

    private static byte[] error(String sqlState, String text) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('S');
        body.writeBytes(Backend.cstring("ERROR"));
        body.write('V');
        body.writeBytes(Backend.cstring("ERROR"));
        body.write('C');
        body.writeBytes(Backend.cstring(sqlState));
        body.write('M');
        body.writeBytes(Backend.cstring(text));
        body.write(0);
        return Backend.message('E', body.toByteArray());
    }
}
