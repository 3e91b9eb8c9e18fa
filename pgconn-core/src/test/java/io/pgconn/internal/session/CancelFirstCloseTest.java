package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.StubExchange;
import io.pgconn.internal.query.TextValueCodecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy session's close ({@link CancelFirstClose}) on an embedded channel: its per-statement CancelRequests are
 * {@link CancelHold}'s — sent again by a statement's rule while their pipeline position has not answered —, the
 * Terminate waits for every CancelRequest of the session, and the deadline ends them all.
 */
class CancelFirstCloseTest {

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 0, TextValueCodecs.INSTANCE);
    private final EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(session));
    /** Each CancelRequest sent, in order: completing one is the server closing its cancel connection. */
    private List<CompletableFuture<Void>> cancels;
    private CancelFirstClose close;

    /** A simple Query that writes itself and ignores its answers. */
    private static final class Statement extends StubExchange {
        private final String sql;

        Statement(String sql) {
            this.sql = sql;
        }

        @Override
        public FrontendMessage messages(QuerySession s) {
            return new Query(sql);
        }
    }

    @BeforeEach
    void sendCancelsToTheList() {
        // only the test moves the clock: the embedded loop's time otherwise runs on with real time too, and the
        // deadline checks 1 ms before the 2-s mark failed under CI load (ci3 at ed4a3f3)
        channel.freezeTime();
        cancels = RecordedCancels.of(session).sent();
    }

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    /** What the session wrote since the last call: a Query as {@code Q}, any other message by its class's simple name. */
    private List<String> written() {
        channel.runPendingTasks();
        List<String> out = new ArrayList<>();
        Object m;
        while ((m = channel.readOutbound()) != null) {
            if (m instanceof ByteBuf bytes) {
                try {
                    while (bytes.isReadable()) {
                        out.add(String.valueOf((char) bytes.readByte()));
                        bytes.skipBytes(bytes.readInt() - 4);
                    }
                } finally {
                    bytes.release();
                }
            } else {
                out.add(m.getClass().getSimpleName());
            }
        }
        return out;
    }

    private void closeBusy() {
        session.inSession(() -> {
            session.whyEnded().closing("closed");
            session.whyEnded().beginClose();
            close = session.closeBusy();
        });
        channel.runPendingTasks();
    }

    private void advanceMillis(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** The server closes cancel connection {@code i} (it signalled the backend). */
    private void cancelEnded(int i) {
        cancels.get(i).complete(null);
        channel.runPendingTasks();
    }

    @Test
    void eachPipelinePositionGetsItsCancelInTurnAndTheTerminateWaitsForTheLast() {
        session.submit(new Statement("A"));
        session.submit(new Statement("B"));
        assertThat(written()).containsExactly("Q", "Q");
        closeBusy();
        assertThat(cancels).as("A's CancelRequest").hasSize(1);

        cancelEnded(0);
        channel.writeInbound(new ReadyForQuery('I')); // A answered after its cancel ended, before the resend was due
        assertThat(cancels).as("B's CancelRequest, at once").hasSize(2);
        advanceMillis(CancelHold.RESEND_AFTER_MILLIS + 1);
        assertThat(cancels).as("A's not sent again: it answered").hasSize(2);

        channel.writeInbound(new ReadyForQuery('I')); // B answered while its cancel is still in flight
        assertThat(written()).as("no Terminate while a CancelRequest may still reach the backend").isEmpty();
        cancelEnded(1);
        assertThat(written()).containsExactly("Terminate");
        assertThat(cancels).hasSize(2);
        assertThat(close.cancelsEnded()).isDone();
    }

    @Test
    void aPositionsCancelThatMetNoStatementIsSentAgainByAStatementsRule() {
        session.submit(new Statement("A"));
        written();
        closeBusy();
        for (int send = 0; send <= CancelHold.MAX_RESENDS; send++) {
            assertThat(cancels).as("sends after %d resend delays", send).hasSize(send + 1);
            cancelEnded(send);
            advanceMillis(CancelHold.RESEND_AFTER_MILLIS + 1);
        }
        assertThat(cancels).as("the first and at most MAX_RESENDS again").hasSize(CancelHold.MAX_RESENDS + 1);
        assertThat(written()).as("no answer: no Terminate").isEmpty();
        assertThat(close.cancelsEnded()).isNotDone();

        advanceMillis(CancelFirstClose.DEADLINE.toMillis());
        assertThat(channel.isActive()).as("closed at the deadline").isFalse();
        assertThat(close.cancelsEnded()).isDone();
    }

    /**
     * The pipeline's second statement gets its CancelRequest late (the first answered after 1.5 s) and that request is
     * never ended by the server: the close's deadline, 2 s after it began, ends it (its connection closed) and closes
     * the socket — not the request's own 2-s bound, which would come only 1.5 s later.
     */
    @Test
    void theDeadlineEndsTheCancelRequestsInFlight() {
        session.submit(new Statement("A"));
        session.submit(new Statement("B"));
        written();
        closeBusy();
        advanceMillis(1_500);
        channel.writeInbound(new ReadyForQuery('I')); // A answered; its cancel's connection is still open
        cancelEnded(0);
        assertThat(cancels).as("B's CancelRequest").hasSize(2);

        advanceMillis(CancelFirstClose.DEADLINE.toMillis() - 1_500 - 1);
        assertThat(channel.isActive()).isTrue();
        assertThat(cancels.get(1)).isNotDone();
        advanceMillis(1);
        assertThat(channel.isActive()).as("closed at the deadline").isFalse();
        assertThat(cancels.get(1)).as("B's CancelRequest ended, its connection closed").isDone();
        assertThat(close.cancelsEnded()).isDone();
        assertThat(written()).as("no Terminate: the socket closed at the deadline").isEmpty();
    }
}
