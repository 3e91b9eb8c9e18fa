package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Read coalescing: a deep pipeline's answers are read after a short pause, the longer the deeper (capped); a shallow one's at once. */
class SessionHandlerReadCoalescingTest {

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE);
    private final EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(session));

    /** A simple Query answered by its ReadyForQuery alone. */
    private static final class Select extends Exchange {
        boolean ready;

        @Override
        public FrontendMessage messages(QuerySession s) {
            return new Query("SELECT 1");
        }

        @Override
        public void onMessage(BackendMessage message) {
        }

        @Override
        public void onReady(char status) {
            ready = true;
        }

        @Override
        public void fail(PgException error) {
        }
    }

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    private void submitWritten(int count) {
        channel.freezeTime(); // the pause ends only when the test moves the clock
        for (int i = 0; i < count; i++) {
            session.submit(new Select());
        }
        channel.runPendingTasks(); // the flush
    }

    @Test
    void aReadWithADeepPipelineUnansweredPausesReadingForTheCoalescingTimeThenReadsAgain() {
        submitWritten(ReadPauses.COALESCE_MIN_UNANSWERED + 1);
        channel.writeInbound(new ReadyForQuery('I')); // one answer read: the minimum is still unanswered

        assertThat(channel.config().isAutoRead()).as("paused after the read").isFalse();
        channel.advanceTimeBy(ReadPauses.coalescingPauseNanos(ReadPauses.COALESCE_MIN_UNANSWERED), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.config().isAutoRead()).as("reading again once the pause is over").isTrue();
    }

    @Test
    void theEndOfAReadDoesNotWaitForACallerThatOwnsTheIdleSession() throws Exception {
        // the read that completed a blocked caller's statement ends while that caller, woken, owns the session for its
        // next one: nothing of the loop's is in flight, so there is nothing to coalesce and no reason to wait
        assertThat(session.gate().own(0)).as("a caller owns the idle session").isTrue();
        try {
            CompletableFuture<Void> readEnd = CompletableFuture.runAsync(() -> channel.pipeline().fireChannelReadComplete());
            assertThat(readEnd).succeedsWithin(10, TimeUnit.SECONDS);
            assertThat(session.gate().state() & SessionGate.WAITING).as("nothing deferred behind the owner").isZero();
        } finally {
            session.gate().releaseOwned(false, channel.eventLoop());
        }
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theDeeperThePipelineTheLongerThePauseUpToItsMaximum() {
        assertThat(ReadPauses.coalescingPauseNanos(64)).isEqualTo(96_000);
        assertThat(ReadPauses.coalescingPauseNanos(128)).isEqualTo(192_000);
        assertThat(ReadPauses.coalescingPauseNanos(256)).isEqualTo(384_000);
        assertThat(ReadPauses.coalescingPauseNanos(267)).isEqualTo(ReadPauses.COALESCE_MAX_NANOS);
        assertThat(ReadPauses.coalescingPauseNanos(100_000)).isEqualTo(ReadPauses.COALESCE_MAX_NANOS);
    }

    @Test
    void aReadWith200UnansweredPausesFor300Microseconds() {
        assertPausedFor(200, 300_000);
    }

    @Test
    void aReadWithThousandsUnansweredPausesForTheMaximumOnly() {
        assertPausedFor(5_000, ReadPauses.COALESCE_MAX_NANOS);
    }

    /** {@code unanswered} left after a read: reading is paused until {@code nanos} have passed, and then only. */
    private void assertPausedFor(int unanswered, long nanos) {
        submitWritten(unanswered + 1);
        channel.writeInbound(new ReadyForQuery('I'));

        channel.advanceTimeBy(nanos - 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.config().isAutoRead()).as("still paused 1 ns before " + nanos + " ns").isFalse();
        channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.config().isAutoRead()).as("reading again after " + nanos + " ns").isTrue();
    }

    @Test
    void aReadWithFewerUnansweredThanTheMinimumDoesNotPause() {
        submitWritten(ReadPauses.COALESCE_MIN_UNANSWERED);
        channel.writeInbound(new ReadyForQuery('I')); // one fewer than the minimum left

        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theCoalescingPauseDoesNotEndAPauseForMissingDemand() {
        submitWritten(ReadPauses.COALESCE_MIN_UNANSWERED + 1);
        channel.writeInbound(new ReadyForQuery('I'));
        Object subscriber = new Object();
        session.pauseReading(subscriber); // a subscriber without demand, while the coalescing pause runs

        channel.advanceTimeBy(ReadPauses.coalescingPauseNanos(ReadPauses.COALESCE_MIN_UNANSWERED), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.config().isAutoRead()).as("still paused for the subscriber").isFalse();
        session.resumeReading(subscriber);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theCoalescingPauseEndingAfterTheChannelClosedChangesNothing() {
        submitWritten(ReadPauses.COALESCE_MIN_UNANSWERED + 1);
        channel.writeInbound(new ReadyForQuery('I'));
        channel.close();

        channel.advanceTimeBy(ReadPauses.coalescingPauseNanos(ReadPauses.COALESCE_MIN_UNANSWERED), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }
}
