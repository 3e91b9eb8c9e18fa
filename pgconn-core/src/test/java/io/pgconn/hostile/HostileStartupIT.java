package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgProtocolException;
import io.pgconn.PgTlsException;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers that lie, fail or vanish during startup (docs/testing.md §2): each case ends in a specific
 * exception naming the host and what was wrong, within the time budget, with nothing left open.
 */
class HostileStartupIT {

    private static final String PLAIN = "sslmode=disable";

    @Test
    void bytesAfterTheSslResponseAreRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'S', 'X', 'Y'}); // CVE-2021-23222: unencrypted bytes after 'S'
        })) {
            Refusal.expect(server, "sslmode=require", PgTlsException.class, "unencrypted data after SSL response", "CVE-2021-23222");
        }
    }

    @ParameterizedTest(name = "ErrorResponse {0} during startup")
    @CsvSource(delimiter = '|', value = {
            "28P01|PgAuthenticationException|password authentication failed for user \"alice\"",
            "28000|PgAuthenticationException|no pg_hba.conf entry for host",
            "57P03|PgConnectException|the database system is starting up",
            "53300|PgConnectException|sorry, too many clients already",
            "3D000|PgConnectException|database \"app\" does not exist"})
    void errorResponseDuringStartupIsTyped(String sqlState, String type, String text) throws Exception {
        @SuppressWarnings("unchecked")
        Class<? extends io.pgconn.PgException> expected = (Class<? extends io.pgconn.PgException>) Class.forName("io.pgconn." + type);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse(sqlState, text));
        })) {
            Refusal.expect(server, PLAIN, expected, text, sqlState).sqlState(sqlState);
        }
    }

    @Test
    void errorAfterAuthenticationOkIsTyped() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0"),
                    Backend.errorResponse("3D000", "database \"app\" does not exist"));
        })) {
            Refusal.expect(server, PLAIN, PgConnectException.class, "database \"app\" does not exist").sqlState("3D000");
        }
    }

    @Test
    void cannotConnectNowMovesOnToTheNextHost() throws Exception {
        try (ScriptedServer starting = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse("57P03", "the database system is starting up"));
        }); ScriptedServer healthy = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
        }); HostileClient client = new HostileClient(PLAIN, PgTracer.noop(), starting, healthy)) {
            PgConnection connection = client.connect();
            assertThat(connection.hostSpec().port()).isEqualTo(healthy.port());
            connection.close().get(5, TimeUnit.SECONDS);
            starting.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    /**
     * libpq ends the whole attempt at a startup ErrorResponse other than 57P03; pgconn also moves on
     * after 53300 and 3D000 (deliberate differences: a failover client should reach a host with room, or one that
     * has replayed a database created a moment ago).
     */
    @ParameterizedTest(name = "startup error {0}: next host tried = {1}")
    @CsvSource({"57P03, true", "53300, true", "3D000, true", "42501, false", "08P01, false"})
    void aStartupErrorStopsTheWalkUnlessTheServerCannotTakeUsNow(String sqlState, boolean nextHostTried) throws Exception {
        try (ScriptedServer first = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse(sqlState, "startup refused with " + sqlState));
        }); ScriptedServer second = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
        }); HostileClient client = new HostileClient(PLAIN, PgTracer.noop(), first, second)) {
            if (nextHostTried) {
                PgConnection connection = client.connect();
                assertThat(connection.hostSpec().port()).isEqualTo(second.port());
                connection.close().get(5, TimeUnit.SECONDS);
            } else {
                Refusal.connect(client, PgConnectException.class, "startup refused with " + sqlState)
                        .namesHost(first).sqlState(sqlState).closed(client, first, second);
                assertThat(second.connections()).as("hosts after this startup error are not tried").isZero();
            }
        }
    }

    @Test
    void authenticationFailureStopsTheWalk() {
        try (ScriptedServer rejecting = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
            c.send(Backend.errorResponse("28P01", "password authentication failed for user \"alice\""));
        }); ScriptedServer never = ScriptedServer.start(c -> c.send(Backend.trustLogin()));
             HostileClient client = new HostileClient(PLAIN, PgTracer.noop(), rejecting, never)) {
            Refusal.expect(client, rejecting, PgAuthenticationException.class, "password authentication failed").sqlState("28P01");
            assertThat(never.connections()).as("hosts after an authentication failure are not tried").isZero();
        }
    }

    @Test
    void everyHostFailingIsReportedHostByHost() {
        try (ScriptedServer first = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse("53300", "sorry, too many clients already"));
        }); ScriptedServer second = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse("57P03", "the database system is shutting down"));
        }); HostileClient client = new HostileClient(PLAIN, PgTracer.noop(), first, second)) {
            Refusal refusal = Refusal.connect(client, PgConnectException.class, "could not connect to any of 2 hosts",
                    first.label() + ": ", "too many clients", second.label() + ": ", "shutting down");
            refusal.closed(client, first, second);
            assertThat(refusal.failure().getSuppressed()).hasSize(2);
            assertThat(refusal.failure().getMessage().indexOf(first.label()))
                    .isLessThan(refusal.failure().getMessage().indexOf(second.label()));
        }
    }

    @Test
    void closeRightAfterAcceptIsReported() {
        try (ScriptedServer server = ScriptedServer.start(Conversation::close)) {
            Refusal.expect(server, PLAIN, PgConnectException.class, "closed the connection unexpectedly during startup");
        }
    }

    @Test
    void closeHalfWayThroughStartupIsReported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0"));
            c.close();
        })) {
            Refusal.expect(server, PLAIN, PgConnectException.class, "closed the connection unexpectedly during startup");
        }
    }

    @Test
    void closeAfterThePasswordIsReported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
            c.close();
        })) {
            Refusal.expect(server, PLAIN, PgConnectException.class, "closed the connection unexpectedly during startup");
        }
    }

    /**
     * A reset is said in the operating system's words, as libpq says "server closed the connection
     * unexpectedly" (LIBPQ-13 hs03, hs09): before, the message held the transport's exception class and
     * call ("io.netty.channel.unix.Errors$NativeIoException: recvAddress(..) failed with error(-104): ...").
     * Save the system's client-disconnect phrase (new user 11, F1's startup twin): Spring MVC takes an exception
     * whose most specific cause says "connection reset by peer" or "broken pipe" for its own HTTP client going away
     * and answers nothing (status 200, logged at DEBUG), so a reset before ReadyForQuery — a borrow through the
     * starter's {@code PgConnSessions}, a {@code factory.connect().join()} in a handler — is said in pgconn's words,
     * the socket's exception kept as suppressed, not as the cause.
     */
    @ParameterizedTest(name = "reset {0}")
    @CsvSource({"after the startup message", "after AuthenticationOk"})
    void resetDuringStartupIsSaidInWordsNoHttpServerTakesForItsOwnClientGoingAway(String when) {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            if (when.endsWith("AuthenticationOk")) {
                c.send(Backend.authenticationOk());
            }
            c.reset();
        })) {
            Refusal refusal = Refusal.expect(server, PLAIN, PgConnectException.class,
                    "failed during startup: the server reset the connection (ECONNRESET)");
            Throwable error = refusal.failure();
            assertThat(error.getMessage()).doesNotContain("Exception").doesNotContain("(..)").doesNotContain("error(");
            ClientGoneWords.assertNoneIn(error);
            assertThat(error.getSuppressed()).as("the socket's own exception is kept, as suppressed")
                    .anySatisfy(s -> assertThat(s).isInstanceOf(java.io.IOException.class));
        }
    }

    /**
     * pgconn asks for client_encoding=UTF8 in every StartupMessage, and PostgreSQL applies it after
     * {@code options} and over ALTER DATABASE/ROLE settings, so only a server or proxy that ignores it
     * reports another encoding at startup: the connect fails naming it, as a SET client_encoding ends an
     * established session (lifecycle.md §1.3). Before, the connect succeeded and text was read as UTF-8.
     */
    @ParameterizedTest(name = "client_encoding {0} at startup")
    @CsvSource({"LATIN1", "SQL_ASCII", "WIN1252"})
    void aClientEncodingOtherThanUtf8AtStartupFailsTheConnectNamingIt(String encoding) {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0"),
                    Backend.parameterStatus("client_encoding", encoding),
                    Backend.backendKeyData(4242, new byte[]{1, 2, 3, 4}), Backend.readyForQuery());
        })) {
            Refusal.expect(server, PLAIN, PgConnectException.class, "reported client_encoding " + encoding + " at startup",
                    "UTF8");
        }
    }

    @Test
    void utf8UnderAnotherNameAtStartupIsAccepted() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0"),
                    Backend.parameterStatus("client_encoding", "unicode"),
                    Backend.backendKeyData(4242, new byte[]{1, 2, 3, 4}), Backend.readyForQuery());
        }); HostileClient client = new HostileClient(server, PLAIN)) {
            PgConnection connection = client.connect();
            assertThat(connection.parameters()).containsEntry("client_encoding", "unicode");
            connection.close().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void readyForQueryAsTheFirstAnswerIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.readyForQuery());
        })) {
            Refusal.expect(server, PLAIN, PgProtocolException.class, "answered StartupMessage with ReadyForQuery");
        }
    }

    @Test
    void authenticationRequestAfterAuthenticationOkIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.authenticationCleartext());
        })) {
            Refusal.expect(server, PLAIN, PgProtocolException.class, "after AuthenticationOk");
        }
    }

    @Test
    void queryResultsDuringStartupAreRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.message('C', Backend.cstring("SELECT 1")));
        })) {
            Refusal.expect(server, PLAIN, PgProtocolException.class, "unexpected CommandComplete during startup");
        }
    }

    @Test
    void noPasswordForACleartextRequestIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
        }); HostileClient client = new HostileClient(server, PLAIN + " password=''")) {
            Refusal.expect(client, server, PgAuthenticationException.class, "no password was supplied (password, PGPASSWORD or .pgpass)");
        }
    }
}
