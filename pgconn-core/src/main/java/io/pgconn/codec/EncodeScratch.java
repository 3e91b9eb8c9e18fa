package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * Where {@link Encoder#encode(Object)} lets a codec that writes buffers encode a value before its
 * bytes are copied out, one buffer per thread: a buffer per parameter cost three objects (and the
 * allocator's accounting) on every statement. A plain heap buffer made directly, not by an
 * allocator: nothing to release, so nothing the leak detector could miss. A codec that encodes a
 * parameter itself while its own is being encoded gets a fresh buffer; a large value's buffer is
 * not kept for the thread's life.
 */
final class EncodeScratch {

    private static final int KEPT_CAPACITY = 8192;
    private static final ThreadLocal<EncodeScratch> SCRATCH = ThreadLocal.withInitial(EncodeScratch::new);

    private ByteBuf buffer = newBuffer();
    private boolean inUse;

    private EncodeScratch() {
    }

    private static ByteBuf newBuffer() {
        return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 256, Integer.MAX_VALUE);
    }

    /** The bytes {@code encoder} writes for {@code value}, as a new array. */
    static byte[] bytes(Encoder encoder, Object value) {
        EncodeScratch scratch = SCRATCH.get();
        if (scratch.inUse) {
            ByteBuf fresh = newBuffer();
            encoder.encode(value, fresh);
            return ByteBufUtil.getBytes(fresh);
        }
        scratch.inUse = true;
        try {
            ByteBuf out = scratch.buffer.clear();
            encoder.encode(value, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            scratch.inUse = false;
            if (scratch.buffer.capacity() > KEPT_CAPACITY) {
                scratch.buffer = newBuffer();
            }
        }
    }
}
