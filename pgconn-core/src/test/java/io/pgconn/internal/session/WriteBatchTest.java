package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The session's flush policy ({@link WriteBatch}): what is written while the event loop handles one
 * read batch (a pipelining caller submitting the next statement from each completion) leaves in one
 * buffer and one flush at the end of that batch; a lone request is flushed in the same loop turn,
 * with no timer in between.
 */
class WriteBatchTest {

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE);
    /** Counts the flushes that reach the socket's end of the pipeline. */
    private final FlushCounter flushes = new FlushCounter();
    private final EmbeddedChannel channel = new EmbeddedChannel(flushes, new SessionHandler(session));

    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }

    /** A simple Query; when answered, runs {@code next} (a caller issuing its next request from the completion). */
    private static final class Statement extends Exchange {
        final String sql;
        Runnable next = () -> { };

        Statement(String sql) {
            this.sql = sql;
        }

        @Override
        public FrontendMessage messages(QuerySession s) {
            return new Query(sql);
        }

        @Override
        public void onMessage(BackendMessage message) {
        }

        @Override
        public void onReady(char status) {
            next.run();
        }

        @Override
        public void fail(PgException error) {
        }
    }

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    /** The buffers written so far, each as the SQL of the simple Queries it holds, in wire order. */
    private List<List<String>> buffers() {
        List<List<String>> out = new ArrayList<>();
        ByteBuf m;
        while ((m = channel.readOutbound()) != null) {
            List<String> queries = new ArrayList<>();
            try {
                while (m.isReadable()) {
                    assertThat((char) m.readByte()).isEqualTo('Q');
                    int length = m.readInt();
                    queries.add(m.readCharSequence(length - 5, StandardCharsets.UTF_8).toString());
                    m.readByte(); // the terminating NUL
                }
            } finally {
                m.release();
            }
            out.add(queries);
        }
        return out;
    }

    @Test
    void requestsIssuedFromTheCompletionsOfOneReadBatchLeaveInOneBufferAndOneFlush() {
        int depth = 8;
        for (int i = 0; i < depth; i++) {
            Statement s = new Statement("first " + i);
            int n = i;
            s.next = () -> session.submit(new Statement("next " + n));
            session.submit(s);
        }
        channel.runPendingTasks();
        assertThat(buffers()).as("the first requests, submitted in one loop turn").hasSize(1);
        int before = flushes.count;

        // one read batch: eight answers, then channelReadComplete, then the loop's tasks
        Object[] answers = new Object[depth];
        for (int i = 0; i < depth; i++) {
            answers[i] = new ReadyForQuery('I');
        }
        channel.writeInbound(answers);

        assertThat(flushes.count - before).as("flushes for the eight requests issued while the batch was read").isEqualTo(1);
        List<List<String>> written = buffers();
        assertThat(written).hasSize(1);
        assertThat(written.get(0)).containsExactly("next 0", "next 1", "next 2", "next 3", "next 4", "next 5", "next 6", "next 7");
    }

    @Test
    void aLoneRequestIsFlushedInTheSameLoopTurnWithoutWaitingForATimer() {
        channel.freezeTime(); // a flush that waited for a timer would not happen below
        int before = flushes.count;

        session.submit(new Statement("SELECT 1"));
        channel.runPendingTasks(); // the tasks of this loop turn, nothing scheduled for later

        assertThat(flushes.count - before).isEqualTo(1);
        assertThat(buffers()).containsExactly(List.of("SELECT 1"));
    }

    @Test
    void aRequestIssuedFromALoneAnswerIsFlushedAtTheEndOfThatRead() {
        Statement first = new Statement("first");
        first.next = () -> session.submit(new Statement("second"));
        session.submit(first);
        channel.runPendingTasks();
        buffers();
        channel.freezeTime();
        int before = flushes.count;

        channel.writeInbound(new ReadyForQuery('I')); // the read, its completion, then the loop's tasks

        assertThat(flushes.count - before).isEqualTo(1);
        assertThat(buffers()).containsExactly(List.of("second"));
    }

    /**
     * Which write buffers may have reached the socket (user13's F7: a statement never sent is told apart from one whose
     * answer was lost): one handed to the channel whose predecessor went out whole — Netty completes a channel's
     * writes in order, so nothing of a buffer leaves before the one ahead of it has.
     */
    @Test
    void aBufferMayHaveLeftOnlyOnceFlushedAndOnceTheBufferBeforeItWentOutWhole() {
        HeldWrites held = new HeldWrites();
        List<Throwable> caught = new ArrayList<>();
        EmbeddedChannel socket = new EmbeddedChannel(held, new CaughtFailures(caught));
        try {
            WriteBatch batch = new WriteBatch(socket);
            assertThat(batch.mayHaveLeft(0)).as("no buffer").isFalse();
            assertThat(batch.current()).isEqualTo(1);
            batch.add(new Query("first"));
            assertThat(batch.mayHaveLeft(1)).as("encoded, not flushed").isFalse();
            batch.flush();
            assertThat(batch.mayHaveLeft(1)).as("handed to the channel, the first").isTrue();
            assertThat(batch.current()).isEqualTo(2);
            batch.add(new Query("second"));
            batch.flush();
            assertThat(batch.mayHaveLeft(2)).as("the first is not out whole").isFalse();
            held.promises.get(0).setSuccess();
            assertThat(batch.mayHaveLeft(2)).as("the first went out whole").isTrue();
            batch.add(new Query("third"));
            batch.flush();
            held.promises.get(1).setFailure(new java.io.IOException("connection reset"));
            assertThat(batch.mayHaveLeft(3)).as("the second did not go out whole").isFalse();
            assertThat(batch.mayHaveLeft(4)).as("never flushed").isFalse();
            assertThat(caught).as("the failed write, in the pipeline").hasSize(1);
        } finally {
            socket.finishAndReleaseAll();
        }
    }

    /**
     * An Error while a message is encoded (an OutOfMemoryError growing the buffer, a StackOverflowError) leaves nothing
     * of that message in the batch: what it wrote is taken back and the Error rethrown, so what was added before goes
     * out alone. Seen failing before: only a RuntimeException was taken back, and the half-written Query (its type,
     * length word and the part of its text that fitted) went out after the first.
     */
    @Test
    void anErrorWhileEncodingLeavesNothingOfItsMessageInTheBatch() {
        OutOfMemoryError noMemory = new OutOfMemoryError("growing the write buffer");
        EmbeddedChannel socket = new EmbeddedChannel();
        socket.config().setAllocator(new GrowthFails(1024, noMemory));
        ByteBuf first = io.netty.buffer.Unpooled.buffer();
        try {
            new Query("first").encode(first);
            WriteBatch batch = new WriteBatch(socket);
            batch.add(new Query("first"));
            assertThatThrownBy(() -> batch.add(new Query("x".repeat(4096)))).isSameAs(noMemory);
            batch.flush();
            ByteBuf out = socket.readOutbound();
            try {
                assertThat(io.netty.buffer.ByteBufUtil.getBytes(out)).as("what went out")
                        .isEqualTo(io.netty.buffer.ByteBufUtil.getBytes(first));
            } finally {
                out.release();
            }
        } finally {
            first.release();
            socket.finishAndReleaseAll();
        }
    }

    /** Heap buffers whose growth past {@code most} bytes throws {@code error}, as an exhausted heap would. */
    private static final class GrowthFails extends io.netty.buffer.AbstractByteBufAllocator {
        private final int most;
        private final Error error;

        GrowthFails(int most, Error error) {
            this.most = most;
            this.error = error;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new io.netty.buffer.UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
                @Override
                protected byte[] allocateArray(int capacity) {
                    if (capacity > most) {
                        throw error;
                    }
                    return super.allocateArray(capacity);
                }
            };
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    /**
     * A write the socket refused (EPIPE, ECONNRESET seen first on write) reaches the pipeline's exceptionCaught, so the
     * session ends with the socket's error as its cause, not as a close of its owner's (a bare "connection closed").
     */
    @Test
    void aFailedWriteReachesExceptionCaught() {
        HeldWrites held = new HeldWrites();
        List<Throwable> caught = new ArrayList<>();
        EmbeddedChannel socket = new EmbeddedChannel(held, new CaughtFailures(caught));
        try {
            WriteBatch batch = new WriteBatch(socket);
            batch.add(new Query("SELECT 1"));
            batch.flush();
            java.io.IOException reset = new java.io.IOException("Broken pipe");
            held.promises.get(0).setFailure(reset);
            assertThat(caught).containsExactly(reset);
        } finally {
            socket.finishAndReleaseAll();
        }
    }

    /**
     * A write Netty failed because the channel closed under it (the owner's close forced on a server that reads
     * nothing: {@code SessionEnd}'s forced close) is not the socket's error: that close has its own reason, and taken
     * as the session's cause it made a close the owner asked for complete {@code closeFuture()} exceptionally, tell
     * the work in flight the socket failed, and count as a host event (REVIEW-18 M1). Seen failing before the fix.
     */
    @Test
    void aWriteFailedByTheChannelsCloseIsNotTheSocketsError() {
        HeldWrites held = new HeldWrites();
        List<Throwable> caught = new ArrayList<>();
        EmbeddedChannel socket = new EmbeddedChannel(held, new CaughtFailures(caught));
        try {
            WriteBatch batch = new WriteBatch(socket);
            batch.add(new Query("SELECT 1"));
            batch.flush();
            held.promises.get(0).setFailure(new java.nio.channels.ClosedChannelException());
            assertThat(caught).isEmpty();
            assertThat(batch.mayHaveLeft(1)).as("a buffer handed to the channel may have left in part").isTrue();
        } finally {
            socket.finishAndReleaseAll();
        }
    }

    /** Records what reaches the end of the pipeline's exceptionCaught (the session's handler sits there). */
    private static final class CaughtFailures extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final List<Throwable> caught;

        CaughtFailures(List<Throwable> caught) {
            this.caught = caught;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }
    }

        /** Keeps every write's promise open and drops its buffer: what the socket has not taken yet. */
    private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        final List<io.netty.channel.ChannelPromise> promises = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
            io.netty.util.ReferenceCountUtil.release(msg);
            promises.add(promise);
        }
    }
}
