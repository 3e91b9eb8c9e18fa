package io.pgconn.internal.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static io.pgconn.internal.protocol.DecoderHarness.HOST;
import static io.pgconn.internal.protocol.Wire.msg;
import static org.assertj.core.api.Assertions.assertThat;

/** Once the session runs ({@link BackendMessageDecoder#deliverInBatches}): each read's whole messages go on together, in order. */
class BackendMessageDecoderBatchTest {

    private static final byte[] READY = msg('Z').int8('I').build();

    private static byte[] row(String value) {
        return msg('D').int16(1).int32(value.length()).text(value).build();
    }

    private static List<BackendMessage> contents(Object batch) {
        assertThat(batch).isInstanceOf(BackendMessageBatch.class);
        BackendMessageBatch b = (BackendMessageBatch) batch;
        List<BackendMessage> messages = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            messages.add(b.get(i));
        }
        return messages;
    }

    @Test
    void eachReadsWholeMessagesGoOnAsOneBatchAndAMessageStraddlingReadsWithTheReadThatEndsIt() {
        byte[] third = msg('C').cstr("SELECT 2").build();
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.decoder.deliverInBatches();
            h.write(Wire.concat(row("a"), row("b"), Arrays.copyOf(third, 7)),
                    Wire.concat(Arrays.copyOfRange(third, 7, third.length), READY));

            assertThat(h.events).hasSize(2);
            assertThat(contents(h.events.get(0))).containsExactly(new DataRow(List.of("a")), new DataRow(List.of("b")));
            assertThat(contents(h.events.get(1))).containsExactly(new CommandComplete("SELECT 2"), new ReadyForQuery('I'));
            assertThat(h.decoder.bufferedBytes()).isZero();
        }
    }

    @Test
    void aReadOfManyMessagesGoesOnInBatchesOfAtMostTheMaximumInOrder() {
        byte[][] rows = new byte[300][];
        List<BackendMessage> expected = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            rows[i] = row("r" + i);
            expected.add(new DataRow(List.of("r" + i)));
        }
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.decoder.deliverInBatches();
            h.write(READY, Wire.concat(rows), READY);

            assertThat(contents(h.events.get(0))).containsExactly(new ReadyForQuery('I'));
            List<BackendMessage> read = new ArrayList<>();
            for (Object batch : h.events.subList(1, h.events.size() - 1)) {
                assertThat(contents(batch)).hasSizeBetween(1, BackendMessageDecoder.MAX_BATCH);
                read.addAll(contents(batch));
            }
            assertThat(read).containsExactlyElementsOf(expected);
            assertThat(h.events).hasSize(2 + (300 + BackendMessageDecoder.MAX_BATCH - 1) / BackendMessageDecoder.MAX_BATCH);
            assertThat(contents(h.events.get(h.events.size() - 1))).containsExactly(new ReadyForQuery('I'));
        }
    }

    @Test
    void aDataRowWithALengthPastTheMessageFailsAfterTheMessagesBeforeItAndNothingAfterIsDelivered() {
        byte[] past = msg('D').int16(1).int32(10).text("abc").build();
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.decoder.deliverInBatches();
            h.write(Wire.concat(row("a"), row("b"), past, row("c"), READY), READY);

            assertThat(h.events).hasSize(2);
            assertThat(contents(h.events.get(0))).containsExactly(new DataRow(List.of("a")), new DataRow(List.of("b")));
            assertThat(h.events.get(1)).isExactlyInstanceOf(PgProtocolException.class);
            assertThat((Throwable) h.events.get(1)).hasMessageContaining("malformed DataRow from " + HOST)
                    .hasMessageContaining("column 1 declares 10 bytes but 3 remain");
            assertThat(h.decoder.bufferedBytes()).as("FAILED discards input").isZero();
        }
    }

    @Test
    void aMalformedFirstMessageOfAReadIsTheOnlyEvent() {
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.decoder.deliverInBatches();
            h.write(Wire.concat(msg('D').int16(3).int32(-1).build(), READY));

            assertThat(h.events).hasSize(1);
            assertThat((Throwable) h.events.get(0)).isExactlyInstanceOf(PgProtocolException.class)
                    .hasMessageContaining("column count 3 does not fit");
        }
    }

    @Test
    void theReadsOfAResultFillOneBatchWhichHoldsNothingBetweenReadsAndANewOneFollowsAReadyForQueryOrAKeptBatch() {
        List<BackendMessageBatch> batches = new ArrayList<>();
        List<List<BackendMessage>> read = new ArrayList<>();
        List<Integer> sizesAfterTheirRead = new ArrayList<>();
        BackendMessageDecoder decoder = new BackendMessageDecoder(HOST, 1 << 20, 1 << 20);
        decoder.deliverInBatches();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                BackendMessageBatch batch = (BackendMessageBatch) msg;
                batches.add(batch);
                read.add(contents(batch));
                if (read.size() == 4) {
                    batch.keep(); // the fourth read is kept, as a read deferred behind a session's owner is
                }
            }
        });
        try {
            for (byte[] chunk : List.of(row("a"), Wire.concat(row("b"), row("c")), Wire.concat(row("d"), READY),
                    row("e"), row("f"), READY)) {
                channel.writeInbound(Unpooled.copiedBuffer(chunk));
                sizesAfterTheirRead.add(batches.get(batches.size() - 1).size());
            }

            assertThat(read).containsExactly(List.of(new DataRow(List.of("a"))),
                    List.of(new DataRow(List.of("b")), new DataRow(List.of("c"))),
                    List.of(new DataRow(List.of("d")), new ReadyForQuery('I')),
                    List.of(new DataRow(List.of("e"))), List.of(new DataRow(List.of("f"))), List.of(new ReadyForQuery('I')));
            assertThat(batches.get(1)).as("a result's next read").isSameAs(batches.get(0));
            assertThat(batches.get(2)).isSameAs(batches.get(0));
            assertThat(batches.get(3)).as("after a ReadyForQuery").isNotSameAs(batches.get(0));
            assertThat(batches.get(4)).as("after a kept batch").isNotSameAs(batches.get(3));
            assertThat(batches.get(5)).isSameAs(batches.get(4));
            assertThat(sizesAfterTheirRead).as("what a batch still holds once its read is over").containsExactly(0, 0, 2, 1, 0, 1);
            assertThat(contents(batches.get(3))).as("the kept batch, read later").containsExactly(new DataRow(List.of("e")));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void untilTheHandshakeEndsEachMessageGoesAlone() {
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.write(Wire.concat(READY, READY));

            assertThat(h.events).containsExactlyElementsOf(Collections.nCopies(2, new ReadyForQuery('I')));
        }
    }
}
