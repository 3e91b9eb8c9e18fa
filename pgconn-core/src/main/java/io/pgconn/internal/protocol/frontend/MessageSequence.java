package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.List;

/**
 * Several messages written as one buffer: an extended-query exchange (Parse, Bind, Describe,
 * Execute, Sync) is one allocation and one write instead of five. Holds its caller's array as is
 * ({@link #of}): it is built per statement, so a defensive copy would be one more allocation on
 * every query.
 */
public final class MessageSequence implements FrontendMessage {

    private final FrontendMessage[] messages;

    private MessageSequence(FrontendMessage[] messages) {
        this.messages = messages;
    }

    public MessageSequence(List<FrontendMessage> messages) {
        this(messages.toArray(new FrontendMessage[0]));
    }

    /** The messages in order; the array is not copied, so the caller must not change it afterwards. */
    public static MessageSequence of(FrontendMessage... messages) {
        return new MessageSequence(messages);
    }

    public List<FrontendMessage> messages() {
        return List.of(messages);
    }

    @Override
    public void encode(ByteBuf out) {
        for (FrontendMessage message : messages) {
            message.encode(out);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageSequence s && Arrays.equals(messages, s.messages);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(messages);
    }

    @Override
    public String toString() {
        return "MessageSequence" + Arrays.toString(messages);
    }
}
