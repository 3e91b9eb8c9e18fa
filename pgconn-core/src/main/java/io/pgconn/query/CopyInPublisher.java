package io.pgconn.query;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A publisher of {@link io.pgconn.PgConnection#copyIn(String, Flow.Publisher)} that also hears when pgconn is done with
 * each chunk it emitted, so it may fill that chunk's buffer again instead of allocating one per chunk (a plain
 * {@link Flow.Publisher} must emit a fresh or read-only buffer per chunk: it cannot know when pgconn has copied one).
 * {@link PgCopyStreams#copyIn} is one: it reads the stream into a few 64-KiB arrays it reuses, so a large COPY's heap
 * churn is bounded by the chunks in flight, not the file's size (NEW-USER-25 F4). docs/query.md §6.
 */
public interface CopyInPublisher extends Flow.Publisher<ByteBuffer> {

    /**
     * {@code chunk}, the very object this publisher emitted, is pgconn's no more: its remaining bytes were copied into
     * the connection's write buffer (or it was empty, or the COPY stopped taking data), and pgconn holds no reference to
     * it. Until then its contents, position and limit must be left alone: fill or emit it again only after this call.
     * Called once per chunk pgconn was done with, on the connection's event loop: be quick and never block. A chunk
     * emitted after the COPY ended (a failure, a cancel) may never be reported. If this throws, the COPY fails as for a
     * publisher's error.
     */
    void reusable(ByteBuffer chunk);
}
