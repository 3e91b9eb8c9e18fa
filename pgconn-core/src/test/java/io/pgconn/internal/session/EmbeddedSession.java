package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.query.TextValueCodecs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A session on an {@link EmbeddedChannel} (whose loop is the test thread, text codecs), and what it wrote to
 * the server, message by message. {@link #close()} releases whatever is left in the channel.
 */
final class EmbeddedSession implements AutoCloseable {

    final PipelinedSession session;
    final EmbeddedChannel channel;

    EmbeddedSession(int statementCacheSize) {
        this(statementCacheSize, Map.of());
    }

    /** {@code parameters}: the session's ParameterStatus map (mutable, for a test whose server reports more). */
    EmbeddedSession(int statementCacheSize, Map<String, String> parameters) {
        this.session = new PipelinedSession("db:5432", parameters, statementCacheSize, TextValueCodecs.INSTANCE);
        this.channel = new EmbeddedChannel(new SessionHandler(session));
    }

    /**
     * Each frontend message written since the last call (the loop's pending tasks run first): a Close or a Parse
     * by its statement name (an unnamed Parse by its SQL text), a Query by its SQL text, any other message by its
     * type letter — {@code "Close pgconn_1"}, {@code "Parse pgconn_3"}, {@code "Parse COMMIT"}, {@code "Query SELECT 1"},
     * {@code "S"}. A statement name is shown without the connection's tag: {@code pgconn_3} for {@code pgconn_<tag>_3}.
     */
    List<String> written() {
        channel.runPendingTasks();
        List<String> out = new ArrayList<>();
        ByteBuf m;
        while ((m = channel.readOutbound()) != null) {
            try {
                while (m.isReadable()) {
                    char type = (char) m.readByte();
                    int length = m.readInt();
                    out.add(describe(type, m.readSlice(length - 4)));
                }
            } finally {
                m.release();
            }
        }
        return out;
    }

    private String describe(char type, ByteBuf body) {
        switch (type) {
            case 'C' -> {
                body.skipBytes(1); // 'S': a statement
                return "Close " + untagged(readCString(body));
            }
            case 'P' -> {
                String name = readCString(body);
                return "Parse " + (name.isEmpty() ? readCString(body) : untagged(name));
            }
            case 'Q' -> {
                return "Query " + readCString(body);
            }
            default -> {
                return String.valueOf(type);
            }
        }
    }

    private String untagged(String name) {
        String prefix = session.statementCache().namePrefix();
        return name.startsWith(prefix) ? "pgconn_" + name.substring(prefix.length()) : name;
    }

    private static String readCString(ByteBuf body) {
        int end = body.bytesBefore((byte) 0);
        String text = body.readCharSequence(end, StandardCharsets.UTF_8).toString();
        body.skipBytes(1);
        return text;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
