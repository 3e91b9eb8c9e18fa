package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.DefaultPgStatement;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.ScriptPublisher;
import io.pgconn.internal.query.StubExchange;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement (or a script) cancelled at the head of the queue while its description is awaited: the server may be
 * busy with its Parse — parse analysis locks the tables, so it waits behind an ALTER TABLE or LOCK TABLE — so it is
 * asked to stop, and the requests behind it wait for that cancel as behind any other (docs/query.md §5). Before, no
 * CancelRequest went out: the Parse waited on in the lock queue, and the silence after the cancel closed the connection.
 * Behind another statement it gets none while that one runs (it would take the signal), and at its own turn only when
 * its description does not follow soon.
 */
class CancelWhileDescribingTest {

    private static final ServerErrorFields CANCELLED = new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR",
            'C', "57014", 'M', "canceling statement due to user request"));

    private final EmbeddedSession embedded = new EmbeddedSession(0);
    private final PipelinedSession session = embedded.session;
    private final EmbeddedChannel channel = embedded.channel;
    private final RecordedCancels cancels = RecordedCancels.of(session);

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    private List<String> written() {
        return embedded.written();
    }

    /** {@code sql} submitted while nothing is ahead of it: described first, its Bind phase waiting for the description. */
    private CompletableFuture<RowSet> describedAtTheHead(String sql) {
        CompletableFuture<RowSet> statement = DefaultPgStatement.query(session, sql);
        assertThat(written()).as("described first").containsExactly("Parse " + sql, "D", "H");
        return statement;
    }

    /** The statement at the head is cancelled while its description is awaited: one CancelRequest goes out. */
    private void cancelledAtTheHead(CompletableFuture<RowSet> statement) {
        statement.cancel(true);
        channel.runPendingTasks();
        assertThat(cancels.sent()).as("the server may be waiting in its Parse: asked to stop").hasSize(1);
    }

    /** The server stops the cancelled statement: its error, the Sync it skips to, its ReadyForQuery. */
    private void theServerStopsIt() {
        channel.writeInbound(new ErrorResponse(CANCELLED));
        assertThat(written()).as("the Sync the server skips to").containsExactly("S");
        channel.writeInbound(new ReadyForQuery('I'));
    }

    /** The CancelRequest's connection ended: the server took the cancel, and what waited behind it may go. */
    private void theCancelWasTaken() {
        cancels.sent().get(0).complete(null);
    }

    /** {@code sql}, queued behind, is written now and runs as any statement: described, bound, executed. */
    private void runsNow(CompletableFuture<RowSet> statement, String sql) {
        assertThat(written()).containsExactly("Parse " + sql, "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SELECT 0"), new ReadyForQuery('I'));
        assertThat(statement.join().commandTag()).isEqualTo("SELECT 0");
    }

    @Test
    void aStatementCancelledWhileItsDescriptionIsAwaitedAtTheHeadAsksTheServerToStop() {
        CompletableFuture<RowSet> first = describedAtTheHead("SELECT n FROM locked");
        CompletableFuture<RowSet> behind = DefaultPgStatement.query(session, "SELECT 'behind'");
        assertThat(written()).as("the statement behind waits for the first one's Bind phase").isEmpty();

        cancelledAtTheHead(first);
        assertThat(written()).as("no Bind phase, nothing behind it yet").isEmpty();

        theServerStopsIt();
        assertThat(written()).as("the statement behind waits until the server took the cancel").isEmpty();

        theCancelWasTaken();
        runsNow(behind, "SELECT 'behind'");
    }

    /**
     * The description was on its way when the cancel came (the backend waits for our next message and ignores the
     * signal): the statement ends as one cancelled behind another does, with a bare Sync outside a transaction.
     */
    @Test
    void aDescriptionThatComesAfterTheCancelStillEndsTheStatementUnrun() {
        cancelledAtTheHead(describedAtTheHead("SELECT n FROM locked"));

        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).as("no Bind phase: the statement never runs").containsExactly("S");
        channel.writeInbound(new ReadyForQuery('I'));
        theCancelWasTaken();
        runsNow(DefaultPgStatement.query(session, "SELECT 'next'"), "SELECT 'next'");
    }

    /**
     * A script written up to a statement's description: what the server runs now (here the second statement's Parse,
     * waiting for a lock) is asked to stop, and the statement the server rejects goes before the Sync as before, so the
     * INSERT before it is rolled back either way; the request behind waits for the cancel.
     */
    @Test
    void aScriptCancelledWhileADescriptionIsAwaitedAtTheHeadAsksTheServerToStop() {
        Recorder script = new Recorder();
        new ScriptPublisher(session, List.of("INSERT INTO t VALUES (1)", "SELECT n FROM locked")).subscribe(script);
        channel.runPendingTasks();
        CompletableFuture<RowSet> behind = DefaultPgStatement.query(session, "SELECT 'behind'");
        assertThat(written()).containsExactly("Parse INSERT INTO t VALUES (1)", "B", "D", "E", "Parse SELECT n FROM locked", "D", "H");

        script.subscription.cancel();
        channel.runPendingTasks();
        assertThat(cancels.sent()).as("the server may be waiting in the second statement's Parse: asked to stop").hasSize(1);
        List<String> wire = written();
        assertThat(wire).hasSize(2);
        assertThat(wire.get(0)).startsWith("Parse pgconn_statement_withdrawn");
        assertThat(wire.get(1)).isEqualTo("S");

        channel.writeInbound(ParseComplete.INSTANCE, BindComplete.INSTANCE, NoData.INSTANCE, new CommandComplete("INSERT 0 1"),
                new ErrorResponse(CANCELLED), new ReadyForQuery('I'));
        assertThat(written()).as("the statement behind waits until the server took the cancel").isEmpty();
        theCancelWasTaken();
        runsNow(behind, "SELECT 'behind'");
        assertThat(script.seen).as("nothing after the cancel reaches the subscriber").isEmpty();
    }

    /** A simple Query ahead: the statement the server runs first. */
    private static final class Ahead extends StubExchange {
        @Override
        public FrontendMessage messages(QuerySession s) {
            return new Query("SELECT 'ahead'");
        }

        @Override
        public void onReady(char status) {
        }
    }

    private CompletableFuture<RowSet> cancelledWhileDescribedBehindAnother() {
        session.submit(new Ahead());
        CompletableFuture<RowSet> cancelled = DefaultPgStatement.query(session, "SELECT n FROM locked");
        assertThat(written()).containsExactly("Query SELECT 'ahead'", "Parse SELECT n FROM locked", "D", "H");
        cancelled.cancel(true);
        channel.runPendingTasks();
        assertThat(cancels.sent()).as("the statement ahead keeps the server busy: a CancelRequest would hit it").isEmpty();
        return cancelled;
    }

    private void timePasses() {
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    /**
     * Cancelled while described behind another statement, it becomes the one the server runs when that one ends; its
     * description does not come (its Parse waits for a lock): asked to stop then. Nothing is written behind it meanwhile.
     */
    @Test
    void aStatementCancelledWhileDescribedBehindAnotherIsAskedToStopWhenItsParseStillWaitsAtItsTurn() {
        cancelledWhileDescribedBehindAnother();
        CompletableFuture<RowSet> behind = DefaultPgStatement.query(session, "SELECT 'behind'");
        channel.writeInbound(new ReadyForQuery('I')); // the statement ahead ended
        assertThat(cancels.sent()).as("not at once: its description normally follows").isEmpty();
        assertThat(written()).isEmpty();

        timePasses();
        assertThat(cancels.sent()).as("its description did not come: its Parse may wait for a lock").hasSize(1);
        theServerStopsIt();
        theCancelWasTaken();
        runsNow(behind, "SELECT 'behind'");
    }

    /** Its description came at its turn, as it nearly always does: it ends unrun with a bare Sync, and no CancelRequest. */
    @Test
    void aStatementCancelledWhileDescribedBehindAnotherWhoseDescriptionComesAtItsTurnSendsNoCancelRequest() {
        cancelledWhileDescribedBehindAnother();
        channel.writeInbound(new ReadyForQuery('I'), ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("S");
        channel.writeInbound(new ReadyForQuery('I'));
        timePasses();
        assertThat(cancels.sent()).isEmpty();
    }

    /** A subscriber that keeps its subscription, asks for everything and records what it gets. */
    private static final class Recorder implements Flow.Subscriber<Segment> {
        Flow.Subscription subscription;
        final List<Object> seen = new ArrayList<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Segment item) {
            seen.add(item);
        }

        @Override
        public void onError(Throwable t) {
            seen.add(t);
        }

        @Override
        public void onComplete() {
            seen.add("complete");
        }
    }
}
