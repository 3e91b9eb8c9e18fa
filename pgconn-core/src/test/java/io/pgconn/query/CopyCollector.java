package io.pgconn.query;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/** A copyOut subscriber driven by the test: keeps (or only counts) the bytes, asks only when told. */
final class CopyCollector extends DrivenSubscriber<ByteBuffer> {

    final AtomicLong chunks = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    private final ByteArrayOutputStream kept;
    /** Asked for again after each chunk: 0 to leave demand to the test. */
    private final long requestEach;

    CopyCollector(boolean keep, long requestEach) {
        this.kept = keep ? new ByteArrayOutputStream() : null;
        this.requestEach = requestEach;
    }

    @Override
    public void onNext(ByteBuffer chunk) {
        chunks.incrementAndGet();
        bytes.addAndGet(chunk.remaining());
        if (kept != null) {
            synchronized (kept) {
                kept.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            }
        }
        if (requestEach > 0) {
            request(requestEach);
        }
    }

    String text() {
        synchronized (kept) {
            return kept.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
