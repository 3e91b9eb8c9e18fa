package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Several messages written as one buffer: an extended-query exchange (Parse, Bind, Describe,
 * Execute, Sync) is one allocation and one write instead of five.
 */
public record MessageSequence(List<FrontendMessage> messages) implements FrontendMessage {

    public MessageSequence {
        messages = List.copyOf(messages);
    }

    @Override
    public void encode(ByteBuf out) {
        for (FrontendMessage message : messages) {
            message.encode(out);
        }
    }
}
