package io.pgconn.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgconn.internal.protocol.frontend.CopyData;
import io.pgconn.internal.protocol.frontend.CopyDone;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The COPY FROM STDIN messages: a chunk as CopyData of at most 1 MiB each, the caller's buffer left as it was; CopyDone. */
class CopyMessagesTest {

    @Test
    void aLargeChunkIsSentAsSeveralCopyDataAndTheCallersPositionStays() {
        byte[] bytes = new byte[CopyData.MAX_BYTES * 2 + 105];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        ByteBuffer chunk = ByteBuffer.wrap(bytes, 3, bytes.length - 3).slice(); // position 0 of a slice at offset 3
        chunk.position(2);
        ByteBuf out = Unpooled.buffer();
        try {
            new CopyData(chunk).encode(out);
            assertThat(chunk.position()).isEqualTo(2);
            assertThat(chunk.limit()).isEqualTo(bytes.length - 3);
            int[] sizes = {CopyData.MAX_BYTES, CopyData.MAX_BYTES, bytes.length - 5 - 2 * CopyData.MAX_BYTES};
            int from = 5; // offset 3 + position 2
            for (int size : sizes) {
                assertThat((char) out.readByte()).isEqualTo('d');
                assertThat(out.readInt()).isEqualTo(4 + size);
                byte[] body = new byte[size];
                out.readBytes(body);
                assertThat(body[0]).isEqualTo(bytes[from]);
                assertThat(body[size - 1]).isEqualTo(bytes[from + size - 1]);
                from += size;
            }
            assertThat(out.isReadable()).isFalse();
        } finally {
            out.release();
        }
    }

    @Test
    void anEmptyChunkWritesNothingAndCopyDoneIsItsFiveBytes() {
        ByteBuf out = Unpooled.buffer();
        try {
            new CopyData(ByteBuffer.allocate(0)).encode(out);
            assertThat(out.readableBytes()).isZero();
            CopyDone.INSTANCE.encode(out);
            assertThat(ByteBufBytes.of(out)).containsExactly('c', 0, 0, 0, 4);
        } finally {
            out.release();
        }
    }

    private static final class ByteBufBytes {
        static byte[] of(ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
    }
}
