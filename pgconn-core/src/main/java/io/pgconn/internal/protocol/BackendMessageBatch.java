package io.pgconn.internal.protocol;

import io.pgconn.internal.protocol.backend.BackendMessage;

/**
 * Whole messages of one socket read (up to 32), in the order the server
 * sent them: what the {@link BackendMessageDecoder} hands on as one pipeline message once the session runs
 * ({@link BackendMessageDecoder#deliverInBatches}), so that the rows of a result pass the pipeline once per
 * batch instead of once each. A new batch per read: the receiver may keep it (a read
 * deferred behind a caller that owns the session). Never empty; not changed after the decoder hands it on.
 */
public final class BackendMessageBatch {

    private final BackendMessage[] messages;
    private final int size;

    /** The first {@code size} elements of {@code messages}, which the batch takes over. */
    BackendMessageBatch(BackendMessage[] messages, int size) {
        this.messages = messages;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public BackendMessage get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("message " + index + " of a batch of " + size);
        }
        return messages[index];
    }

    /** The count only: values may be secrets. */
    @Override
    public String toString() {
        return "BackendMessageBatch[" + size + " messages]";
    }
}
