package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgException;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.TextValueCodecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The session's reads once the decoder hands on each read's messages together ({@link BackendMessageDecoder#deliverInBatches}). */
class SessionHandlerBatchTest {

    private final Map<String, String> parameters = new HashMap<>();
    private final PipelinedSession session = new PipelinedSession("db:5432", parameters, 0, TextValueCodecs.INSTANCE);
    private final BackendMessageDecoder decoder = new BackendMessageDecoder("db:5432", 1 << 20, 1 << 20);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder, new SessionHandler(session));

    SessionHandlerBatchTest() {
        decoder.authenticationComplete();
        decoder.deliverInBatches(); // what the startup handshake does at its end
    }

    /** A simple Query recording what answers it. */
    private static final class Select extends Exchange {
        final List<BackendMessage> answers = new ArrayList<>();
        boolean ready;
        PgException failure;

        @Override
        public FrontendMessage messages(QuerySession s) {
            return new Query("SELECT 1");
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
        }
    }

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    private static void message(ByteBuf out, char type, byte[] body) {
        out.writeByte(type).writeInt(4 + body.length).writeBytes(body);
    }

    private static byte[] cstrings(String... values) {
        ByteBuf b = Unpooled.buffer();
        for (String v : values) {
            b.writeCharSequence(v, StandardCharsets.UTF_8);
            b.writeByte(0);
        }
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    private static void complete(ByteBuf out, String tag) {
        message(out, 'C', cstrings(tag));
        message(out, 'Z', new byte[] {'I'});
    }

    @Test
    void theAnswersOfSeveralStatementsInOneReadReachEachItsOwnExchangeInOrder() {
        Select first = new Select();
        Select second = new Select();
        session.submit(first);
        session.submit(second);
        channel.runPendingTasks();
        channel.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        channel.outboundMessages().clear();

        ByteBuf read = Unpooled.buffer();
        complete(read, "SELECT 1");
        complete(read, "SELECT 2");
        channel.writeInbound(read);

        assertThat(first.answers).containsExactly(new CommandComplete("SELECT 1"));
        assertThat(second.answers).containsExactly(new CommandComplete("SELECT 2"));
        assertThat(first.ready && second.ready).isTrue();
        assertThat(first.failure).isNull();
        assertThat(second.failure).isNull();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aReadWhileACallerOwnsTheSessionIsReadWhenTheOwnerGivesItBackInOrder() {
        assertThat(session.gate().own(0)).as("a caller owns the idle session").isTrue();
        ByteBuf read = Unpooled.buffer();
        message(read, 'S', cstrings("application_name", "first"));
        message(read, 'S', cstrings("application_name", "second"));
        channel.writeInbound(read);
        assertThat(parameters).as("not read while owned").doesNotContainKey("application_name");

        session.gate().releaseOwned(false, channel.eventLoop());
        channel.runPendingTasks();

        assertThat(parameters).containsEntry("application_name", "second");
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void readsDeferredBehindAnOwnerKeepTheirOwnMessagesAlthoughTheDecoderFillsOneBatchPerResult() {
        assertThat(session.gate().own(0)).as("a caller owns the idle session").isTrue();
        ByteBuf first = Unpooled.buffer();
        message(first, 'S', cstrings("first_a", "1"));
        message(first, 'S', cstrings("first_b", "1"));
        channel.writeInbound(first); // deferred: the decoder must not fill this read's batch again
        ByteBuf second = Unpooled.buffer();
        message(second, 'S', cstrings("second", "2"));
        channel.writeInbound(second);
        assertThat(parameters).as("not read while owned").doesNotContainKeys("first_a", "first_b", "second");

        session.gate().releaseOwned(false, channel.eventLoop());
        channel.runPendingTasks();

        assertThat(parameters).containsEntry("first_a", "1").containsEntry("first_b", "1").containsEntry("second", "2");
        assertThat(channel.isActive()).isTrue();
    }
}
