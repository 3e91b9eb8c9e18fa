package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgServerException;
import io.pgconn.PgStaleStatementException;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CloseComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.query.DefaultPgStatement;
import io.pgconn.query.RowSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * NEW-USER-21 F1: behind a pooler in transaction mode the server session answering a cached statement may not be the
 * one it was prepared on. A 26000 for a statement this connection prepared and did not close, or a 42P05 for a name it
 * never used, proves it: the connection parses statements unnamed from then on, the statement is run again unnamed
 * when nothing depends on its place (outside a transaction block, nothing behind it), else it fails naming the pooler
 * and preparedStatementCacheSize=0. A 26000 after a DEALLOCATE the session ran stays the ordinary stale case.
 */
class SharedServerSessionTest {

    private final EmbeddedSession embedded = new EmbeddedSession(10);
    private final PipelinedSession session = embedded.session;
    private final EmbeddedChannel channel = embedded.channel;

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    @Test
    void aCachedStatementTheServerSessionDoesNotHaveRunsAgainUnnamedAndTheCacheTurnsOff() {
        prepare("SET a = 1");
        CompletableFuture<RowSet> again = DefaultPgStatement.query(session, "SET a = 1");
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(error("26000", "prepared statement does not exist"), new ReadyForQuery('I'));
        // the retry: the dropped entry's Close (harmless where it does not exist), then the statement unnamed
        assertThat(written()).containsExactly("Close pgconn_1", "Parse SET a = 1", "D", "H");
        channel.writeInbound(CloseComplete.INSTANCE, ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SET"), new ReadyForQuery('I'));
        assertThat(again.join().commandTag()).isEqualTo("SET");
        assertThat(session.statementCache().serverSessionShared()).isTrue();

        DefaultPgStatement.query(session, "SET b = 2");
        assertThat(written()).as("unnamed from now on").containsExactly("Parse SET b = 2", "D", "H");
    }

    @Test
    void insideATransactionBlockTheStatementFailsNamingThePoolerAndTheSetting() {
        prepare("SET a = 1");
        CompletableFuture<RowSet> again = DefaultPgStatement.query(session, "SET a = 1");
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(error("26000", "prepared statement does not exist"), new ReadyForQuery('E'));
        Throwable failure = unwrap(catchThrowable(again::join));
        assertThat(failure).isInstanceOf(PgStaleStatementException.class)
                .hasMessageContaining("pooler in transaction mode")
                .hasMessageContaining("preparedStatementCacheSize=0")
                .hasMessageContaining(session.statementCache().namePrefix() + "1");
        assertThat(((PgServerException) failure).sqlState()).contains("26000");
        assertThat(written()).as("no retry inside a transaction block").isEmpty();
        assertThat(session.statementCache().enabled()).isFalse();
    }

    @Test
    void anotherStatementByANewNameRunsAgainUnnamedAndItIsNotClosed() {
        CompletableFuture<RowSet> first = DefaultPgStatement.query(session, "SET a = 1");
        assertThat(written()).containsExactly("Parse pgconn_1", "D", "H");
        channel.writeInbound(error("42P05", "prepared statement already exists"));
        assertThat(written()).containsExactly("S");
        channel.writeInbound(new ReadyForQuery('I'));
        assertThat(written()).as("no Close: the statement by that name is another client's")
                .containsExactly("Parse SET a = 1", "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SET"), new ReadyForQuery('I'));
        assertThat(first.join().commandTag()).isEqualTo("SET");
        assertThat(session.statementCache().serverSessionShared()).isTrue();
    }

    @Test
    void aMissingStatementAfterADeallocateOfTheSessionIsStaleAndTheCacheStaysOn() {
        prepare("SET a = 1");
        prepare("DEALLOCATE whatever", "DEALLOCATE");
        CompletableFuture<RowSet> again = DefaultPgStatement.query(session, "SET a = 1");
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(error("26000", "prepared statement does not exist"), new ReadyForQuery('I'));
        assertThat(written()).as("prepared again, named").containsExactly("Close pgconn_1", "Parse pgconn_3", "D", "H");
        channel.writeInbound(CloseComplete.INSTANCE, ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SET"), new ReadyForQuery('I'));
        assertThat(again.join().commandTag()).isEqualTo("SET");
        assertThat(session.statementCache().serverSessionShared()).isFalse();
    }

    @Test
    void aMissingStatementTheExecutionItselfReportsIsTheUsersErrorAndChangesNothing() {
        // REVIEW-22 R22-1: the 26000 arrives after BindComplete, so it is EXECUTE p's own, not about pgconn_1
        prepare("EXECUTE p");
        CompletableFuture<RowSet> again = DefaultPgStatement.query(session, "EXECUTE p");
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, error("26000", "prepared statement \"p\" does not exist"),
                new ReadyForQuery('I'));
        assertThat(again).as("failed at its ReadyForQuery, not run again").isDone();
        Throwable failure = unwrap(catchThrowable(again::join));
        assertThat(failure).isInstanceOf(PgServerException.class).isNotInstanceOf(PgStaleStatementException.class)
                .hasMessageContaining("prepared statement \"p\" does not exist")
                .hasMessageNotContaining("pooler");
        assertThat(written()).as("not run again").isEmpty();
        assertThat(session.statementCache().serverSessionShared()).isFalse();
        assertThat(session.statementCache().enabled()).isTrue();

        DefaultPgStatement.query(session, "EXECUTE p");
        assertThat(written()).as("the cached statement is still used").containsExactly("B", "E", "S");
    }

    @Test
    void aChangedResultTypeTheExecutionReportsIsNotAStalePlan() {
        prepare("SELECT f()", "SELECT 1");
        CompletableFuture<RowSet> again = DefaultPgStatement.query(session, "SELECT f()");
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new ErrorResponse(new ServerErrorFields(Map.of('S', "ERROR",
                'V', "ERROR", 'C', "0A000", 'M', "cached plan must not change result type",
                'R', "RevalidateCachedQuery"))), new ReadyForQuery('I'));
        assertThat(again).as("failed at its ReadyForQuery, not run again").isDone();
        Throwable failure = unwrap(catchThrowable(again::join));
        assertThat(failure).isInstanceOf(PgServerException.class).isNotInstanceOf(PgStaleStatementException.class);
        assertThat(written()).as("not run again: the execution may have had effects").isEmpty();
        DefaultPgStatement.query(session, "SELECT f()");
        assertThat(written()).as("the entry was kept").containsExactly("B", "E", "S");
    }

    private void prepare(String sql) {
        prepare(sql, "SET");
    }

    /** Runs {@code sql} to its end as a new named statement, answered with {@code tag}. */
    private void prepare(String sql, String tag) {
        CompletableFuture<RowSet> result = DefaultPgStatement.query(session, sql);
        assertThat(written()).containsExactly("Parse pgconn_" + session.statementCache().mark(), "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete(tag), new ReadyForQuery('I'));
        assertThat(result.join().commandTag()).isEqualTo(tag);
    }

    private static ErrorResponse error(String code, String message) {
        return new ErrorResponse(new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', code, 'M', message)));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private List<String> written() {
        return embedded.written();
    }
}
