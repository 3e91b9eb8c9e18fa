package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether a request a caller sent on its own thread may have reached the server (REVIEW-18-START L3): only when its own
 * send put some of it on the socket, or the batch its rest went out with was handed to the channel — not when nothing
 * of it left (nothing encoded, its bytes dropped, or its rest never flushed).
 */
class SessionWritesTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final SessionWrites writes = new SessionWrites(channel);

    @AfterEach
    void release() {
        writes.discardPending(); // a rest a failed assertion left unflushed
        channel.finishAndReleaseAll();
    }

    private ByteBuf ownersRequest() {
        ByteBuf out = channel.alloc().buffer();
        writes.ownerEncodesInto(out);
        assertThat(writes.current()).as("written while the owner encodes").isEqualTo(SessionWrites.SENT_BY_CALLER);
        out.writeBytes(new byte[] {'S', 0, 0, 0, 4});
        writes.ownerEncoded();
        return out;
    }

    @Test
    void aRequestWhoseSendPutSomeOfItOnTheSocketMayHaveLeft() {
        ownersRequest().release(); // sent whole (or in part) on the caller's thread: the default
        assertThat(writes.mayHaveLeft(SessionWrites.SENT_BY_CALLER)).isTrue();
    }

    @Test
    void aRequestNothingOfWhichLeftHasNotLeft() {
        ByteBuf out = ownersRequest();
        writes.ownerSentNothing(); // nothing encoded, or its bytes dropped unsent
        out.release();
        assertThat(writes.mayHaveLeft(SessionWrites.SENT_BY_CALLER)).isFalse();
    }

    @Test
    void aRequestHandedWholeToTheLoopLeftOnlyWithItsBatch() {
        ByteBuf out = ownersRequest();
        Runnable flush = writes.takeRest(out, false); // the guard's lock was held: none of it sent by the caller
        assertThat(writes.mayHaveLeft(SessionWrites.SENT_BY_CALLER)).as("not flushed yet").isFalse();
        flush.run();
        assertThat(writes.mayHaveLeft(SessionWrites.SENT_BY_CALLER)).as("handed to the channel").isTrue();
    }

    @Test
    void aRestDroppedUnflushedLeavesOnlyWhatTheCallerSent() {
        ByteBuf none = ownersRequest();
        writes.takeRest(none, false);
        writes.discardPending(); // the loop was gone: the rest is never written
        assertThat(writes.mayHaveLeft(SessionWrites.SENT_BY_CALLER)).as("none of it sent").isFalse();

        ByteBuf some = ownersRequest();
        writes.takeRest(some, true);
        writes.discardPending();
        assertThat(writes.mayHaveLeft(SessionWrites.SENT_BY_CALLER)).as("part of it sent by the caller").isTrue();
    }
}
