package io.pgconn.hostile;

import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgConnection;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.query.RowSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.pgconn.hostile.SessionEndScripts.LIMIT;
import static io.pgconn.hostile.SessionEndScripts.answerDescribedWithoutRows;
import static io.pgconn.hostile.SessionEndScripts.failure;
import static io.pgconn.hostile.SessionEndScripts.login;
import static io.pgconn.hostile.SessionEndScripts.loginAndBegin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A COMMIT whose answer — its CommandComplete — was read before the session ended without a ReadyForQuery
 * (REVIEW-10 F1, F2). PostgreSQL sends a COMMIT's CommandComplete only once the commit is done (its tag
 * {@code COMMIT}) or the failed transaction rolled back (its tag {@code ROLLBACK}), so the outcome is known
 * whatever ends the session after it. In the extended protocol the server reads the Sync only after the
 * COMMIT's Execute: when a fetch size makes pgconn write the Sync after the CommandComplete (or the Sync is
 * in a later TCP segment), a terminate in between (pg_terminate_backend, a fast shutdown) makes the backend
 * send its FATAL 57P01 right behind the COMMIT's CommandComplete.
 */
class HostileCommitAnswerIT {

    private static final String OPTIONS = "sslmode=disable";

    /** F1: a FATAL after the COMMIT's CommandComplete was taken for "the COMMIT was refused: not committed". */
    @Test
    void aCommitAnsweredBeforeTheServersFatalIsReportedCommitted() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            login(c);
            assertThat(c.readThrough('H')).containsExactly('P', 'D', 'H');
            answerDescribedWithoutRows(c);
            assertThat(c.readThrough('H')).containsExactly('B', 'E', 'H'); // a fetch size: Execute with a row limit, Flush
            c.send(Backend.message('2', new byte[0]), Backend.message('C', Backend.cstring("COMMIT")));
            c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            List<RowSet> answer = connection.statement("COMMIT").fetchSize(10).collect()
                    .get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(answer).extracting(RowSet::commandTag).containsExactly("COMMIT");
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /** F2: commit() whose COMMIT was answered COMMIT, the connection lost before the ReadyForQuery: it committed. */
    @Test
    void aCommitAnsweredCommitBeforeTheConnectionWasLostSucceeds() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            assertThat(c.readMessage().bodyText()).startsWith("COMMIT");
            c.send(Backend.message('C', Backend.cstring("COMMIT")));
            c.close(); // the ReadyForQuery is lost
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            connection.commit().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }

    /** F2: commit() whose COMMIT was answered ROLLBACK (a failed transaction), the connection lost before the ReadyForQuery. */
    @Test
    void aCommitAnsweredRollbackBeforeTheConnectionWasLostDidNotCommit() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            loginAndBegin(c);
            assertThat(c.readMessage().bodyText()).startsWith("COMMIT");
            c.send(Backend.message('C', Backend.cstring("ROLLBACK")));
            c.close();
        }); HostileClient client = new HostileClient(server, OPTIONS)) {
            PgConnection connection = client.connect();
            connection.begin().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Throwable error = failure(connection.commit());
            assertThat(error).isInstanceOf(PgTransactionRolledBackException.class).isNotInstanceOf(PgCommitOutcomeUnknownException.class);
            server.awaitConnectionsEnded(LIMIT);
            server.assertScriptsPassed();
        }
    }
}
