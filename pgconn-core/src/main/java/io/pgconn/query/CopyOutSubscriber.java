package io.pgconn.query;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A subscriber of {@link io.pgconn.PgConnection#copyOut(String)} that also hears the COPY's row count (the {@code n} of
 * its {@code COPY n}), once, just before {@code onComplete}; on the same thread, never after a failure or a cancel.
 * A plain {@link Flow.Subscriber} gets the chunks only.
 */
public interface CopyOutSubscriber extends Flow.Subscriber<ByteBuffer> {

    /** The COPY's row count, just before {@link #onComplete()}. */
    void onRowCount(long rows);
}
