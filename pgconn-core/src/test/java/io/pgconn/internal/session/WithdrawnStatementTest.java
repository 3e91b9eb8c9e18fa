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
import io.pgconn.internal.query.StubExchange;
import io.pgconn.query.RowSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement cancelled while it waits to be written (behind a paged stream, a statement with a
 * timeout ...): outside a transaction nothing of it reaches the server — no rejected Parse, so no
 * ERROR line in the server's log — and the answers of the requests behind it stay in order; inside
 * a transaction it is still written as a statement the server rejects, failing the transaction.
 */
class WithdrawnStatementTest {

    private final EmbeddedSession embedded = new EmbeddedSession(0);
    private final PipelinedSession session = embedded.session;
    private final EmbeddedChannel channel = embedded.channel;

    /** A simple Query that holds later writes until released (as a paged stream holds them until its Sync). */
    private static final class Holder extends StubExchange {
        boolean holding = true;
        char readyStatus;

        @Override
        public FrontendMessage messages(QuerySession s) {
            return new Query("SELECT 'holder'");
        }

        @Override
        public void onReady(char status) {
            readyStatus = status;
        }

        @Override
        public boolean holdsWrites() {
            return holding;
        }
    }

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    private List<String> written() {
        return embedded.written();
    }

    private CompletableFuture<RowSet> cancelledWhileQueued(Holder holder) {
        session.submit(holder);
        assertThat(written()).containsExactly("Query SELECT 'holder'");
        CompletableFuture<RowSet> cancelled = DefaultPgStatement.query(session, "SELECT 'cancelled'");
        cancelled.cancel(true);
        channel.runPendingTasks();
        return cancelled;
    }

    @Test
    void outsideATransactionNothingOfItIsWrittenAndTheAnswersBehindItStayInOrder() {
        Holder holder = new Holder();
        CompletableFuture<RowSet> cancelled = cancelledWhileQueued(holder);
        CompletableFuture<RowSet> next = DefaultPgStatement.query(session, "SET work_mem = '8MB'");
        holder.holding = false;
        session.inSession(() -> session.releaseWrites(holder)); // e.g. a paged stream's Sync: the holder's ReadyForQuery is still to come
        assertThat(written()).as("nothing before the transaction status behind the holder is known").isEmpty();

        channel.writeInbound(new ReadyForQuery('I'));
        assertThat(written()).as("the cancelled statement left the queue; the next one is written")
                .containsExactly("Parse SET work_mem = '8MB'", "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SET"), new ReadyForQuery('I'));

        assertThat(next.join().commandTag()).as("its own answers, not the cancelled one's").isEqualTo("SET");
        assertThat(cancelled).isCompletedExceptionally();
        assertThat(cancelled.handle((ok, e) -> e).join()).isInstanceOf(CancellationException.class);
    }

    @Test
    void insideATransactionItIsWrittenAsAStatementTheServerRejectsSoTheTransactionFails() {
        Holder holder = new Holder();
        cancelledWhileQueued(holder);
        CompletableFuture<RowSet> commit = DefaultPgStatement.query(session, "COMMIT");
        holder.holding = false;
        session.inSession(() -> session.releaseWrites(holder)); // as an exchange does, on the loop in the session's code
        assertThat(written()).isEmpty();

        channel.writeInbound(new ReadyForQuery('T')); // the holder ran BEGIN (a pipelined BEGIN)
        List<String> wire = written();
        assertThat(wire.get(0)).startsWith("Parse pgconn_statement_withdrawn");
        assertThat(wire).containsExactly(wire.get(0), "S", "Parse COMMIT", "D", "H");
        channel.writeInbound(new ErrorResponse(new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "42601",
                'M', "syntax error"))), new ReadyForQuery('E'));
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("ROLLBACK"), new ReadyForQuery('I'));
        assertThat(commit.join().commandTag()).as("the transaction did not commit without the cancelled statement")
                .isEqualTo("ROLLBACK");
    }

    /**
     * Cancelled (or timed out) with only its Parse/Describe written, pipelined behind the holder: its
     * Bind phase is never written, and how it ends waits for its description — everything ahead is
     * answered by then, so the transaction status it would have run in is known (REVIEW-8 F11).
     */
    private CompletableFuture<RowSet> cancelledWhileDescribed(Holder holder) {
        holder.holding = false;
        session.submit(holder);
        CompletableFuture<RowSet> cancelled = DefaultPgStatement.query(session, "SELECT 'described'");
        assertThat(written()).containsExactly("Query SELECT 'holder'", "Parse SELECT 'described'", "D", "H");
        cancelled.cancel(true);
        channel.runPendingTasks();
        assertThat(session.cancelRequestsSent()).as("the holder keeps the server busy: a CancelRequest would hit it").isZero();
        return cancelled;
    }

    @Test
    void describedOutsideATransactionItEndsWithABareSyncOnceItsDescriptionCame() {
        CompletableFuture<RowSet> cancelled = cancelledWhileDescribed(new Holder());
        CompletableFuture<RowSet> next = DefaultPgStatement.query(session, "SET work_mem = '8MB'");
        assertThat(written()).as("nothing before the transaction status behind the holder is known").isEmpty();

        channel.writeInbound(new ReadyForQuery('I'), ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).as("no rejected statement: no transaction to fail")
                .containsExactly("S", "Parse SET work_mem = '8MB'", "D", "H");
        channel.writeInbound(new ReadyForQuery('I'), ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SET"), new ReadyForQuery('I'));

        assertThat(next.join().commandTag()).isEqualTo("SET");
        assertThat(cancelled.handle((ok, e) -> e).join()).isInstanceOf(CancellationException.class);
    }

    @Test
    void describedInsideATransactionItEndsWithAStatementTheServerRejectsSoTheTransactionFails() {
        CompletableFuture<RowSet> cancelled = cancelledWhileDescribed(new Holder());
        CompletableFuture<RowSet> commit = DefaultPgStatement.query(session, "COMMIT");
        assertThat(written()).isEmpty();

        channel.writeInbound(new ReadyForQuery('T'), ParseComplete.INSTANCE, NoData.INSTANCE);
        List<String> wire = written();
        assertThat(wire).as("a bare Sync would leave the transaction healthy").isNotEmpty();
        assertThat(wire.get(0)).startsWith("Parse pgconn_statement_withdrawn");
        assertThat(wire).containsExactly(wire.get(0), "S", "Parse COMMIT", "D", "H");
        channel.writeInbound(new ErrorResponse(new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "42601",
                'M', "syntax error"))), new ReadyForQuery('E'));
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("ROLLBACK"), new ReadyForQuery('I'));
        assertThat(commit.join().commandTag()).as("the transaction did not commit without the cancelled statement")
                .isEqualTo("ROLLBACK");
        assertThat(cancelled.handle((ok, e) -> e).join()).isInstanceOf(CancellationException.class);
    }

    /**
     * REVIEW-27 R27-1: the first statement of a transaction begun with it ({@code beginWithFirstStatement}) carries the
     * BEGIN in its Sync group; cancelled while described, it stands inside the block the server opened although the last
     * ReadyForQuery said idle — a bare Sync left the block healthy, and the COMMIT behind committed without it.
     */
    @Test
    void describedWhileCarryingItsTransactionsBeginItEndsWithAStatementTheServerRejects() {
        session.deferredTransactions().begin("BEGIN", false).join();
        CompletableFuture<RowSet> cancelled = DefaultPgStatement.query(session, "SELECT 'described'");
        assertThat(written()).containsExactly("Parse BEGIN", "B", "E", "Parse SELECT 'described'", "D", "H");
        cancelled.cancel(true);
        channel.runPendingTasks();

        channel.writeInbound(ParseComplete.INSTANCE, BindComplete.INSTANCE, new CommandComplete("BEGIN"),
                ParseComplete.INSTANCE, NoData.INSTANCE);
        List<String> wire = written();
        assertThat(wire).as("the server ran the BEGIN: a bare Sync would leave its transaction healthy").isNotEmpty();
        assertThat(wire.get(0)).startsWith("Parse pgconn_statement_withdrawn");
        assertThat(wire).containsExactly(wire.get(0), "S");
        assertThat(cancelled.handle((ok, e) -> e).join()).isInstanceOf(CancellationException.class);
    }
}
