package io.pgconn.internal.protocol;

import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.ReadyForQuery;

import java.util.Arrays;

/**
 * Whole messages of one socket read (up to 32), in the order the server
 * sent them: what the {@link BackendMessageDecoder} hands on as one pipeline message once the session runs
 * ({@link BackendMessageDecoder#deliverInBatches}), so that the rows of a result pass the pipeline once per
 * batch instead of once each. Never empty when handed on.
 *
 * <p>The decoder fills the same batch again for its next read (a 1,000-row result is some thirty reads: one array,
 * not thirty): a receiver reads the batch within its {@code channelRead}, or, to read it later (a read deferred behind
 * a caller that owns the session), calls {@link #keep()} there, and the decoder leaves that batch alone from then on
 * and starts a new one. Event loop only, like the decoder.
 */
public final class BackendMessageBatch {

    private BackendMessage[] messages;
    private int size;
    /** Whether a receiver keeps this batch beyond its channelRead ({@link #keep()}): the decoder then fills no more of it. */
    private boolean kept;

    /** An empty batch with room for {@code capacity} messages to start with. */
    BackendMessageBatch(int capacity) {
        this.messages = new BackendMessage[capacity];
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

    /**
     * The receiver keeps this batch to read it after its {@code channelRead} returns: the decoder will not fill it again.
     * Call it on the event loop, inside the {@code channelRead} that brought the batch.
     */
    public void keep() {
        kept = true;
    }

    boolean kept() {
        return kept;
    }

    void add(BackendMessage message) {
        if (size == messages.length) {
            messages = Arrays.copyOf(messages, size * 2);
        }
        messages[size++] = message;
    }

    /** Whether the batch ends with a ReadyForQuery: the server answered everything asked so far, the session may idle. */
    boolean endsReady() {
        return size > 0 && messages[size - 1] instanceof ReadyForQuery;
    }

    /** Empties the batch for the decoder's next read, holding no message (a row may be large, or a secret) meanwhile. */
    void clear() {
        Arrays.fill(messages, 0, size, null);
        size = 0;
    }

    /** The count only: values may be secrets. */
    @Override
    public String toString() {
        return "BackendMessageBatch[" + size + " messages]";
    }
}
