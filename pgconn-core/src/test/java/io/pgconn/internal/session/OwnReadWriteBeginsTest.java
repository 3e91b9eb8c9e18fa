package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgClosedException;
import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.query.DefaultPgStatement;
import io.pgconn.query.RowSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An own {@code BEGIN READ WRITE} on a {@code read-write} session whose server reported turning read-only with its
 * answer ({@link OwnReadWriteBegins}, {@link RefusedOwnBegin}): pgconn's ROLLBACK goes first, and the BEGIN fails once
 * that is answered — with the refusal also when its timeout fires in between, and in words that do not call the session
 * idle when the session ends before the ROLLBACK's answer (REVIEW-33b R33b-3).
 */
class OwnReadWriteBeginsTest {

    private final EmbeddedSession embedded = new EmbeddedSession(0, new HashMap<>());
    private final PipelinedSession session = embedded.session;
    private final EmbeddedChannel channel = embedded.channel;

    @BeforeEach
    void aReadWriteSession() {
        session.serverReports().readWriteTarget(true);
        session.serverReports().roleChanges(new ServerRoleChanges(parameters -> { }));
    }

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    @Test
    void aTimeoutThatFiresBeforeTheRollbacksAnswerLeavesTheRefusalToTheBegin() {
        CompletableFuture<List<RowSet>> begin = refusedBegin(Duration.ofSeconds(1));

        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(begin).as("its server work is done: nothing to time out").isNotDone();
        assertThat(embedded.written()).as("no CancelRequest, no Sync: nothing is written for the timeout").isEmpty();

        channel.writeInbound(new CommandComplete("ROLLBACK"), new ReadyForQuery('I'));
        channel.runPendingTasks();
        assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class)
                .hasMessageContaining("rolled back as soon as its BEGIN READ WRITE was answered")
                .hasMessageNotContaining("timed out");
    }

    @Test
    void aSessionThatEndsBeforeTheRollbacksAnswerIsNotCalledIdle() {
        CompletableFuture<List<RowSet>> begin = refusedBegin(Duration.ZERO);

        channel.close();
        channel.runPendingTasks();
        Throwable refused = failure(begin);
        assertThat(refused).isInstanceOf(PgServerTurnedReadOnlyException.class)
                .hasMessageContaining("the session ended before pgconn's ROLLBACK of it was answered")
                .hasMessageNotContaining("what follows that runs under the server's read-only default");
        assertThat(refused.getSuppressed()).singleElement().isInstanceOf(PgClosedException.class);
    }

    /**
     * REVIEW-34 R34-2: what was queued behind the refused BEGIN fails only once pgconn's ROLLBACK is answered (the
     * session idle then), with the refusal — also when its own timeout fires before that answer.
     */
    @Test
    void whatWasQueuedBehindFailsOnceTheRollbackIsAnsweredNotTimedOut() {
        CompletableFuture<List<RowSet>> begin = new DefaultPgStatement(session, "BEGIN READ WRITE").collect();
        CompletableFuture<List<RowSet>> insert = new DefaultPgStatement(session, "INSERT INTO t VALUES (1)")
                .timeout(Duration.ofSeconds(1)).collect();
        assertThat(embedded.written()).containsExactly("Parse BEGIN READ WRITE", "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(embedded.written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("BEGIN"),
                new ParameterStatus("default_transaction_read_only", "on"), new ReadyForQuery('T'));
        assertThat(embedded.written()).as("pgconn's ROLLBACK only: the insert is not sent").containsExactly("Query ROLLBACK");
        channel.runPendingTasks();
        assertThat(insert).as("not before the ROLLBACK is answered").isNotDone();

        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(insert).isNotDone();
        assertThat(embedded.written()).as("nothing is written for the timeout").isEmpty();

        channel.writeInbound(new CommandComplete("ROLLBACK"), new ReadyForQuery('I'));
        channel.runPendingTasks();
        assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class);
        assertThat(failure(insert)).isInstanceOf(PgServerTurnedReadOnlyException.class)
                .hasMessageContaining("nothing was committed").hasMessageNotContaining("timed out");
    }

    /** A {@code BEGIN READ WRITE} through {@code statement} ({@code timeout}: none when zero), answered {@code T} with the report. */
    private CompletableFuture<List<RowSet>> refusedBegin(Duration timeout) {
        DefaultPgStatement statement = new DefaultPgStatement(session, "BEGIN READ WRITE");
        if (!timeout.isZero()) {
            statement.timeout(timeout);
        }
        CompletableFuture<List<RowSet>> begin = statement.collect();
        assertThat(embedded.written()).containsExactly("Parse BEGIN READ WRITE", "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(embedded.written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("BEGIN"),
                new ParameterStatus("default_transaction_read_only", "on"), new ReadyForQuery('T'));
        assertThat(embedded.written()).as("pgconn's ROLLBACK first").containsExactly("Query ROLLBACK");
        assertThat(begin).isNotDone();
        return begin;
    }
}
