package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The session's write order: what is written is the FIFO's order (review 2 items 5, 7). */
class SessionHandlerFifoTest {

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE);
    private final EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(session));

    /** Writes a simple Query named {@code sql}; may hold the writes or fail to build its messages. */
    private static class Named extends Exchange {
        final String sql;
        boolean holding;
        RuntimeException failToWrite;
        Error errorToWrite;
        PgException failure;
        boolean ready;
        Runnable onFail = () -> { };
        final List<BackendMessage> answers = new ArrayList<>();

        Named(String sql) {
            this.sql = sql;
        }

        @Override
        public FrontendMessage messages(QuerySession s) {
            if (failToWrite != null) {
                throw failToWrite;
            }
            if (errorToWrite != null) {
                throw errorToWrite;
            }
            return new Query(sql);
        }

        @Override
        public void onMessage(BackendMessage message) {
            answers.add(message);
        }

        @Override
        public void onReady(char status) {
            ready = true;
        }

        @Override
        public void fail(PgException error) {
            failure = error;
            onFail.run();
        }

        @Override
        public boolean holdsWrites() {
            return holding;
        }
    }

    /** The SQL of every simple Query written so far, in wire order (the session encodes them itself, several to a buffer). */
    private List<String> written() {
        List<String> out = new ArrayList<>();
        ByteBuf m;
        while ((m = channel.readOutbound()) != null) {
            try {
                while (m.isReadable()) {
                    assertThat((char) m.readByte()).isEqualTo('Q');
                    int length = m.readInt();
                    out.add(m.readCharSequence(length - 5, StandardCharsets.UTF_8).toString());
                    assertThat(m.readByte()).isZero();
                }
            } finally {
                m.release();
            }
        }
        return out;
    }

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aRequestSubmittedFromTheFailureCallbackOfAnUnwritableOneGoesBehindTheOnesStillWaiting() {
        Named holder = new Named("A");
        holder.holding = true;
        Named broken = new Named("B");
        broken.failToWrite = new PgProtocolException("db:5432", "cannot encode");
        Named waiting = new Named("C");
        Named fromCallback = new Named("D");
        broken.onFail = () -> session.submit(fromCallback);
        session.submit(holder);
        session.submit(broken);
        session.submit(waiting);
        holder.holding = false;
        session.inSession(() -> session.releaseWrites(holder)); // as an exchange does, on the loop in the session's code
        channel.runPendingTasks();
        assertThat(written()).containsExactly("A", "C", "D");
    }

    /**
     * REVIEW-11 F3: an Error from an exchange's messages (a LinkageError: a codec's library is missing) escaped
     * the write and left the exchange in the FIFO unwritten; it was never answered, and the next statement's
     * answers ended the session. It fails that exchange alone.
     */
    @Test
    void anExchangeWhoseMessagesThrowALinkageErrorFailsAloneAndTheNextOneIsAnswered() {
        Named broken = new Named("A");
        broken.errorToWrite = new NoClassDefFoundError("com/example/MissingLibrary");
        session.submit(broken);
        channel.runPendingTasks();
        assertThat(broken.failure).isNotNull();
        assertThat(broken.failure.getMessage()).contains("db:5432", "NoClassDefFoundError", "com/example/MissingLibrary");

        Named next = new Named("B");
        session.submit(next);
        channel.runPendingTasks();
        assertThat(written()).containsExactly("B");
        channel.writeInbound(new ReadyForQuery('I'));
        assertThat(next.ready).isTrue();
        assertThat(next.failure).isNull();
        assertThat(channel.isActive()).isTrue();
    }

    /**
     * Runs {@code action} with {@code handler} as the uncaught-exception handler of the loop thread (the embedded
     * channel's loop is the test thread); what {@code action} threw, or null — caught here: a VirtualMachineError
     * out of a test method stops JUnit's whole run.
     */
    private static Throwable withLoopHandler(Thread.UncaughtExceptionHandler handler, Runnable action) {
        Thread loop = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = loop.getUncaughtExceptionHandler();
        loop.setUncaughtExceptionHandler(handler);
        try {
            return org.assertj.core.api.Assertions.catchThrowable(action::run);
        } finally {
            loop.setUncaughtExceptionHandler(before);
        }
    }

    /** A holder, {@code broken} behind it, then one waiting: written when the holder releases the writes. */
    private final class HeldBehindAHolder {
        final Named holder = new Named("A");
        final Named broken;
        final Named waiting = new Named("C");

        HeldBehindAHolder(Error errorToWrite) {
            broken = new Named("B");
            broken.errorToWrite = errorToWrite;
            holder.holding = true;
            session.submit(holder);
            session.submit(broken);
            session.submit(waiting);
        }

        /** The holder releases the writes: B's messages throw, with {@code handler} on the loop thread; what escaped. */
        Throwable release(Thread.UncaughtExceptionHandler handler) {
            holder.holding = false;
            return withLoopHandler(handler, () -> {
                session.inSession(() -> session.releaseWrites(holder)); // as an exchange does, on the loop in the session's code
                channel.runPendingTasks();
            });
        }
    }

    /**
     * A VirtualMachineError from an exchange's messages goes to the loop thread's uncaught-exception handler
     * (FatalErrors.handToTheThread), once the exchange is failed and out of the FIFO; the session goes on.
     */
    @Test
    void anExchangeWhoseMessagesThrowAVirtualMachineErrorIsFailedAndTheErrorGoesToTheLoopThread() {
        List<Throwable> uncaught = new ArrayList<>();
        Named broken = new Named("A");
        StackOverflowError fatal = new StackOverflowError();
        broken.errorToWrite = fatal;
        Throwable escaped = withLoopHandler((t, e) -> uncaught.add(e), () -> {
            session.submit(broken);
            channel.runPendingTasks();
        });
        assertThat(escaped).isNull();
        assertThat(uncaught).containsExactly(fatal);
        assertThat(broken.failure).isNotNull();

        Named next = new Named("B");
        session.submit(next);
        channel.runPendingTasks();
        assertThat(written()).containsExactly("B");
        channel.writeInbound(new ReadyForQuery('I'));
        assertThat(next.ready).isTrue();
    }

    /**
     * REVIEW-12 M2: the uncaught-exception handler that a VirtualMachineError is handed to may itself throw (the JVM
     * ignores what a handler throws; printing an OutOfMemoryError's stack trace can run out of memory again). Thrown on
     * from the middle of writing the held-back exchanges, it left the ones behind unwritten for good, and every later
     * one queued behind them: the connection answered nothing more.
     */
    @Test
    void aHandlerThatThrowsOnAVirtualMachineErrorLeavesNoExchangeUnwritten() {
        HeldBehindAHolder held = new HeldBehindAHolder(new OutOfMemoryError("encoding a parameter"));
        Throwable escaped = held.release((t, e) -> {
            throw new OutOfMemoryError("printing the stack trace");
        });
        assertThat(held.broken.failure).isNotNull();
        Named later = new Named("D");
        session.submit(later);
        channel.runPendingTasks();
        assertThat(written()).containsExactly("A", "C", "D");
        assertThat(escaped).as("what the handler threw, out of the write of the held-back exchanges").isNull();
    }

    /**
     * REVIEW-12 L2: under an OutOfMemoryError the failure of an unwritable exchange may itself not be built (its
     * message, the error, the task that fails it). Thrown on, it left that exchange out of the FIFO and never failed,
     * and the ones behind it unwritten for good. The connection fails closed instead: every exchange in it fails.
     */
    @Test
    void aFailureThatCannotBeBuiltEndsTheConnectionAndEveryExchangeInItFails() {
        List<Throwable> uncaught = new ArrayList<>();
        OutOfMemoryError again = new OutOfMemoryError("building the failure's message");
        HeldBehindAHolder held = new HeldBehindAHolder(new NoClassDefFoundError("com/example/MissingLibrary") {
            @Override
            public String toString() {
                throw again;
            }
        });
        Throwable escaped = held.release((t, e) -> uncaught.add(e));
        assertThat(escaped).as("out of the write of the held-back exchanges").isNull();
        assertThat(channel.isActive()).isFalse();
        assertThat(List.of(held.holder, held.broken, held.waiting)).allSatisfy(e -> assertThat(e.failure)
                .isInstanceOf(io.pgconn.PgClosedException.class).hasRootCause(again));
        assertThat(uncaught).containsExactly(again);
        assertThat(written()).as("A's buffer was not flushed before the close; C was never written").isEmpty();
    }

    /**
     * An exchange's messages built, but no buffer for them (direct memory exhausted: Netty's OutOfDirectMemoryError
     * is an OutOfMemoryError): the exchange believes itself written, so the connection fails closed, as for an
     * encoding's RuntimeException. Thrown on, the exchange stayed in the FIFO unwritten and its caller waited for good.
     */
    @Test
    void aRequestThatFindsNoBufferEndsTheConnectionAndFails() {
        OutOfMemoryError noMemory = new OutOfMemoryError("Cannot reserve 256 bytes of direct buffer memory");
        channel.config().setAllocator(new io.netty.buffer.AbstractByteBufAllocator() {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                throw noMemory;
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                throw noMemory;
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        });
        List<Throwable> uncaught = new ArrayList<>();
        Named request = new Named("A");
        Throwable escaped = withLoopHandler((t, e) -> uncaught.add(e), () -> {
            session.submit(request);
            channel.runPendingTasks();
        });
        assertThat(escaped).isNull();
        assertThat(channel.isActive()).isFalse();
        assertThat(request.failure).isInstanceOf(io.pgconn.PgClosedException.class).hasRootCause(noMemory);
        assertThat(uncaught).containsExactly(noMemory);
    }

    @Test
    void requestsHeldForACancelThatNeverEndsAreWrittenAfterTwoSeconds() {
        session.cancelAction(CompletableFuture::new); // never completes: a dial that hangs
        session.submit(new Named("A"));
        session.inSession(() -> session.requestCancel(() -> false)); // as an exchange's abort does, in the session's code
        session.submit(new Named("B"));
        channel.runPendingTasks();
        assertThat(written()).containsExactly("A");
        channel.advanceTimeBy(CancelHold.MAX_MILLIS + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertThat(written()).containsExactly("B");
    }

    /**
     * A statement's CancelRequest ended (the server closed its connection), the statement has not answered, so it is
     * sent again — and that dial hangs. When the hold on later requests lapses, {@link CancelHold#MAX_MILLIS} after the
     * first send, the request sent again is ended with it, its connection closed: left open, it could still deliver its
     * signal to the statement the hold just released. Seen failing before: the hold lapsed and B was written while
     * the second request stayed open (it ended only at its own timeout, 2 s after its own send).
     */
    @Test
    void aCancelRequestSentAgainIsEndedWhenItsHoldLapses() {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        session.cancelAction(() -> {
            CompletableFuture<Void> send = new CompletableFuture<>();
            sends.add(send);
            return send;
        });
        session.submit(new Named("A"));
        channel.runPendingTasks();
        assertThat(written()).containsExactly("A");
        session.inSession(() -> session.requestCancel(() -> true)); // A never answers
        session.submit(new Named("B"));
        channel.runPendingTasks();
        sends.get(0).complete(null); // the server closed the first cancel connection
        channel.runPendingTasks();
        channel.advanceTimeBy(CancelHold.RESEND_AFTER_MILLIS + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertThat(sends).as("sent again").hasSize(2);
        assertThat(written()).as("B still held").isEmpty();

        channel.advanceTimeBy(CancelHold.MAX_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertThat(written()).as("the hold lapsed").containsExactly("B");
        assertThat(sends.get(1)).as("the request sent again, ended with its hold (its connection closed)").isDone();
    }

    /**
     * A client leaves a long read inside a transaction: its CancelRequest went out, the server answered the statement
     * (57014, ReadyForQuery), the cancel connection is still open. The pool's release asks for the status after what
     * is in flight: known at once (an unwritten place writes nothing, it cannot overtake the cancel), not when the
     * cancel connection ends or CancelHold.MAX_MILLIS later; the ROLLBACK it then sends still waits for the cancel.
     */
    @Test
    void theStatusAfterACancelledStatementIsKnownWhileTheCancelStillHoldsTheWrites() {
        CompletableFuture<Void> cancelConnection = new CompletableFuture<>(); // the server has not closed it yet
        session.cancelAction(() -> cancelConnection);
        session.submit(new Named("SELECT * FROM big"));
        channel.runPendingTasks();
        assertThat(written()).containsExactly("SELECT * FROM big");
        session.inSession(() -> session.requestCancel(() -> false)); // as an exchange's abort does, in the session's code
        channel.writeInbound(new ErrorResponse(new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "57014",
                'M', "canceling statement due to user request"))), new ReadyForQuery('E'));

        CompletableFuture<Character> status = session.transactionStatusAfterInFlight();
        Named rollback = new Named("ROLLBACK");
        status.thenRun(() -> session.submit(rollback)); // as pgconn-r2dbc's release clean-up does
        channel.runPendingTasks();
        assertThat(status).as("the status after the cancelled read, while its cancel still holds the writes").isCompletedWithValue('E');
        assertThat(written()).as("the ROLLBACK must not reach the backend before the cancel signal").isEmpty();

        cancelConnection.complete(null);
        channel.runPendingTasks();
        assertThat(written()).containsExactly("ROLLBACK");
    }

    @Test
    void anUnsolicitedFatalWhileTheHeadIsStillUnwrittenIsTheSessionsNotTheHeads() {
        session.cancelAction(CompletableFuture::new);
        Named running = new Named("A");
        Named held = new Named("B");
        session.submit(running);
        session.inSession(() -> session.requestCancel(() -> false)); // as an exchange's abort does, in the session's code
        session.submit(held); // held while the cancel is in flight
        channel.writeInbound(new ReadyForQuery('I')); // A answered before the cancel connection closed: B is the head, unwritten
        channel.writeInbound(new ErrorResponse(new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', "57P05",
                'M', "terminating connection due to idle-session timeout"))));
        assertThat(held.answers).as("nothing of the server's is for an exchange not yet written").isEmpty();
        assertThat(session.whyEnded().cause().serverFields().code()).isEqualTo("57P05");
    }
}
