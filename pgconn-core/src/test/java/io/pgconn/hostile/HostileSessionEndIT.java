package io.pgconn.hostile;

import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgFailedThenClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.PgProtocolException;
import io.pgconn.QueryResult;
import io.pgconn.testing.Conditions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.hostile.SessionEndScripts.LIMIT;
import static io.pgconn.hostile.SessionEndScripts.answerDescribedWithoutRows;
import static io.pgconn.hostile.SessionEndScripts.failure;
import static io.pgconn.hostile.SessionEndScripts.login;
import static io.pgconn.hostile.SessionEndScripts.loginAndBegin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A FATAL ErrorResponse ends the session even when the peer keeps the socket open (a proxy, a stuck
 * server): PostgreSQL exits after one, so the client closes the connection itself instead of taking
 * requests that nobody will answer (review F1).
 */
class HostileSessionEndIT {

    private static final String OPTIONS = "sslmode=disable";

    @Test
    void anUnsolicitedFatalClosesTheConnectionThoughTheSocketStaysOpen() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readMessage().type()).isEqualTo('Q');
            c.send(Backend.oneRow(new String[]{"v"}, new String[]{"1"}));
            c.send(Backend.errorResponse("25P03", "terminating connection due to idle-in-transaction timeout"));
            c.awaitClientClose(); // the socket stays open until the client closes it
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.simpleQuery("SELECT 1").get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Conditions.awaitCondition("the connection closed after the server's FATAL", LIMIT, connection::isClosed);
            Throwable next = failure(connection.simpleQuery("SELECT 2"));
            assertThat(next).isInstanceOf(PgClosedException.class).hasMessageContaining("25P03").hasMessageContaining(server.label());
            assertThat(((PgException) next).endsSession()).isTrue();
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * REVIEW-8 F6: an ERROR (not FATAL) with no statement in flight used to be kept as the close cause of
     * a session that went on: when it later closed for another reason (here the user's close() with a
     * statement running), every failure told the stale story "closed: server reported ERROR 08P01".
     * Such an error is a protocol violation for a pipelining client (PostgreSQL follows it with a
     * ReadyForQuery no request waits for; a pooler may not): the connection closes at once, saying so.
     */
    @Test
    void anUnsolicitedErrorThatDoesNotEndTheSessionClosesItAsAProtocolError() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            c.send(Backend.poolerError("08P01", "stray pooler complaint"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Conditions.awaitCondition("the connection closed after the unsolicited ERROR", LIMIT, connection::isClosed);
            Throwable ended = failure(connection.closeFuture());
            assertThat(ended).isInstanceOf(PgProtocolException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("08P01").hasMessageContaining("stray pooler complaint").hasMessageContaining("no query in flight");
            Throwable next = failure(connection.simpleQuery("SELECT 1"));
            assertThat(next).isInstanceOf(PgClosedException.class).hasMessageContaining("no query in flight");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    @Test
    void aFatalAnsweringAStatementFailsItAtOnceThoughNoReadyForQueryFollows() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readMessage().type()).isEqualTo('Q');
            c.send(Backend.errorResponse("25P04", "terminating connection due to transaction timeout"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            CompletableFuture<QueryResult> running = connection.simpleQuery("SELECT pg_sleep(10)");
            Throwable error = failure(running);
            assertThat(error).isInstanceOf(PgClosedException.class).hasMessageContaining("25P04");
            assertThat(((PgException) error).sqlState()).contains("25P04");
            assertThat(connection.isClosed()).isTrue();
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * A statement whose ERROR (23505) was read, its ReadyForQuery lost with the connection: it did not take effect (the
     * error rolled back its implicit transaction), and the caller still gets the 23505, as the cause. Seen failing
     * before: PgOutcomeUnknownException ("it may have been executed"), the 23505 gone.
     */
    @Test
    void aStatementTheServerFailedBeforeTheConnectionWasLostDidNotTakeEffect() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readMessage().type()).isEqualTo('Q');
            c.send(Backend.poolerError("23505", "duplicate key value violates unique constraint \"k\""));
            c.close(); // no ReadyForQuery
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.simpleQuery("INSERT INTO t VALUES (1)"));
            assertThat(error).isExactlyInstanceOf(PgFailedThenClosedException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("; the server had failed the statement (SQLSTATE 23505) before the session ended, so it did not take effect");
            assertThat(((PgFailedThenClosedException) error).serverError()).isSameAs(error.getCause());
            assertThat(error.getCause()).isInstanceOf(io.pgconn.PgServerException.class).hasMessageContaining("duplicate key");
            assertThat(((PgException) error.getCause()).serverFields().code()).isEqualTo("23505");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * A lone statement that commits part of its work inside itself — CREATE UNIQUE INDEX CONCURRENTLY (its catalog
     * entry committed before the build finds the duplicate: an invalid index stays), VACUUM, REINDEX CONCURRENTLY,
     * CREATE DATABASE — failed by the server (23505) or ended by its FATAL (57P01) before its CommandComplete, then
     * the connection lost: the outcome is unknown, as for a script holding it, not "did not take effect". Seen
     * failing before: PgFailedThenClosedException / "did not take effect".
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CREATE UNIQUE INDEX CONCURRENTLY k ON t (v)|23505", "CREATE UNIQUE INDEX CONCURRENTLY k ON t (v)|57P01",
            "VACUUM|57P01", "REINDEX TABLE CONCURRENTLY t|57P01", "CREATE DATABASE d|57P01"})
    void aLoneStatementThatCommitsInsideItselfHasAnUnknownOutcomeAfterItsErrorOrTheServersFatal(String sql, String code)
            throws Exception {
        boolean fatal = code.startsWith("57");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readMessage().type()).isEqualTo('Q');
            c.send(fatal ? Backend.errorResponse(code, "terminating connection due to administrator command")
                    : Backend.poolerError(code, "could not create unique index \"k\""));
            c.close(); // no ReadyForQuery
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.simpleQuery(sql));
            assertThat(error).isInstanceOf(PgOutcomeUnknownException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("so it may have been executed");
            if (fatal) {
                assertThat(error).hasMessageContaining("(SQLSTATE " + code + ")");
            } else {
                assertThat(error).as("the server's error does not say it took no effect").hasMessageNotContaining("did not take effect");
            }
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * A text of two statements, the first completed, the second failed by the server (23505) before the connection was
     * lost: the error rolled back the text's implicit transaction, the first statement with it — did not take effect.
     * With a statement between that may commit on its own (COMMIT, VACUUM) the first may have committed: unknown.
     * Seen failing before: PgOutcomeUnknownException for the first (a CommandComplete read kept it unknown).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INSERT INTO t VALUES (2); INSERT INTO t VALUES (1)|INSERT 0 1|true",
            "INSERT INTO t VALUES (2); COMMIT; INSERT INTO t VALUES (1)|INSERT 0 1,COMMIT|false",
            "INSERT INTO t VALUES (2); VACUUM t; INSERT INTO t VALUES (1)|INSERT 0 1,VACUUM|false"})
    void aTextTheServerFailedAfterAStatementCompletedDidNotTakeEffectUnlessOneMayHaveCommitted(String text, String tags,
            boolean didNotTakeEffect) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readMessage().type()).isEqualTo('Q');
            for (String tag : tags.split(",")) {
                c.send(Backend.message('C', Backend.cstring(tag)));
            }
            c.send(Backend.poolerError("23505", "duplicate key value violates unique constraint \"k\""));
            c.close(); // no ReadyForQuery
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.simpleQuery(text));
            if (didNotTakeEffect) {
                assertThat(error).isExactlyInstanceOf(PgFailedThenClosedException.class)
                        .hasMessageContaining("the server had failed the statement (SQLSTATE 23505) before the session ended, so it did not take effect");
            } else {
                assertThat(error).isInstanceOf(PgOutcomeUnknownException.class);
            }
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * REVIEW-8 F3: the session ends after the COMMIT was written, before its answer — the server may have
     * committed. commit() says the outcome is unknown instead of a plain "closed" (which reads as "nothing
     * happened, retry").
     */
    @Test
    void aCommitWhoseAnswerIsLostHasAnUnknownOutcome() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            assertThat(c.readMessage().bodyText()).startsWith("COMMIT");
            c.close(); // received, maybe committed; the answer is lost
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Throwable error = failure(connection.commit());
            assertThat(error).isInstanceOf(PgCommitOutcomeUnknownException.class)
                    .hasMessageContaining(server.label()).hasMessageContaining("may or may not have committed");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * REVIEW-9 F4: a FATAL that answers the COMMIT (a switchover's fast shutdown, pg_terminate_backend) means it
     * did not commit — PostgreSQL holds interrupts across the commit, a failure after its record is a PANIC — so it
     * is the plain session end, not an unknown outcome (which no retry policy retries).
     */
    @Test
    void aFatalAnsweringTheCommitIsNoUnknownOutcome() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            assertThat(c.readMessage().bodyText()).startsWith("COMMIT");
            c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Throwable error = failure(connection.commit());
            assertThat(error).as("a FATAL answering COMMIT: not committed, a plain session end")
                    .isInstanceOf(PgClosedException.class).isNotInstanceOf(PgCommitOutcomeUnknownException.class);
            assertThat(((PgException) error).sqlState()).contains("57P01");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /** A pooler's FATAL about the server connection it lost (class 08, pgbouncer's "server conn crashed?") says nothing of the commit. */
    @Test
    void aPoolersConnectionFatalAnsweringTheCommitLeavesItsOutcomeUnknown() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            assertThat(c.readMessage().bodyText()).startsWith("COMMIT");
            c.send(Backend.errorResponse("08P01", "server conn crashed?"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(failure(connection.commit())).isInstanceOf(PgCommitOutcomeUnknownException.class)
                    .hasMessageContaining("may or may not have committed");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /** A COMMIT that never left the client (the session had ended before it) is no unknown outcome: nothing committed. */
    @Test
    void aCommitOnASessionThatHadAlreadyEndedIsOnlyClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Conditions.awaitCondition("the connection closed after the server's FATAL", LIMIT, connection::isClosed);
            Throwable error = failure(connection.commit());
            assertThat(error).isInstanceOf(PgClosedException.class).isNotInstanceOf(PgCommitOutcomeUnknownException.class);
            assertThat(((PgException) error).sqlState()).contains("57P01");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * A COMMIT sent as text, not through commit(): the same unknown outcome when its answer is lost — first
     * keyword COMMIT or END, also with the simple query protocol (it was a plain "closed", which pgconn-r2dbc
     * makes transient: a retry of the transaction could apply its work twice).
     */
    @Test
    void aCommitSentAsTextWhoseAnswerIsLostHasAnUnknownOutcome() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            assertThat(c.readMessage().bodyText()).startsWith("/* done */ commit");
            c.close(); // received, maybe committed; the answer is lost
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Throwable error = failure(connection.simpleQuery("/* done */ commit"));
            assertThat(error).isInstanceOf(PgCommitOutcomeUnknownException.class)
                    .hasMessageContaining(server.label()).hasMessageContaining("may or may not have committed");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * {@code query("END")}, the extended protocol: once its Bind and Execute were written, a lost answer is an
     * unknown outcome; a SELECT's lost answer stays a plain "closed".
     */
    @Test
    void anEndRunThroughQueryWhoseAnswerIsLostHasAnUnknownOutcome() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            c.readThrough('H'); // Parse, Describe, Flush: the row types first
            answerDescribedWithoutRows(c);
            assertThat(c.readThrough('S')).containsExactly('B', 'E', 'S');
            c.close(); // the END was executed, maybe committed; the answer is lost
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            Throwable error = failure(connection.query("END"));
            assertThat(error).isInstanceOf(PgCommitOutcomeUnknownException.class).hasMessageContaining(server.label());
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            c.readThrough('H');
            answerDescribedWithoutRows(c);
            c.readThrough('S');
            c.close();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            Throwable error = failure(client.connect().query("UPDATE t SET v = 1"));
            assertThat(error).isInstanceOf(PgClosedException.class).isNotInstanceOf(PgCommitOutcomeUnknownException.class);
            server.awaitConnectionsEnded(LIMIT);
        }
    }

    /** A COMMIT of which only the Parse and Describe were written never ran: its session's end is only "closed". */
    @Test
    void aCommitThatWasOnlyDescribedWhenTheSessionEndedIsOnlyClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readThrough('H')).containsExactly('P', 'D', 'H');
            c.close(); // before the row types: the Bind and Execute are never written
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            Throwable error = failure(client.connect().query("COMMIT"));
            assertThat(error).isInstanceOf(PgClosedException.class).isNotInstanceOf(PgCommitOutcomeUnknownException.class);
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /**
     * New user 19's F1: a BEGIN whose answer is lost (a primary crash with it on the wire) can have left nothing that
     * outlives the session, so it is a plain closed error saying it can be repeated — also a SET through {@code query}
     * once its Bind and Execute were written — not an unknown outcome with advice to check before repeating it (seen
     * failing before: PgOutcomeUnknownException). An UPDATE lost the same way stays unknown.
     */
    @Test
    void aBeginOrASetWhoseAnswerIsLostCanBeRepeated() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readMessage().bodyText()).startsWith("BEGIN");
            c.close(); // received, maybe run; the answer is lost
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            Throwable error = failure(client.connect().begin());
            assertThat(error).isExactlyInstanceOf(PgClosedException.class).hasMessageContaining(server.label())
                    .hasMessageContaining("; the statement could change only the session, which has ended, so nothing of it remains:"
                            + " it can be repeated on a new connection");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
        for (String sql : new String[] {"SET search_path = app", "UPDATE t SET v = 1"}) {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                login(c);
                c.readThrough('H');
                answerDescribedWithoutRows(c);
                assertThat(c.readThrough('S')).containsExactly('B', 'E', 'S');
                c.close(); // executed, maybe; the answer is lost
            }); HostileClient client = new HostileClient(server, OPTIONS)) {
                Throwable error = failure(client.connect().query(sql));
                if (sql.startsWith("SET")) {
                    assertThat(error).isExactlyInstanceOf(PgClosedException.class).hasMessageContaining("could change only the session");
                } else {
                    assertThat(error).isInstanceOf(PgOutcomeUnknownException.class);
                }
                server.awaitConnectionsEnded(LIMIT);
                server.assertScriptsPassed();
            }
        }
    }
}
