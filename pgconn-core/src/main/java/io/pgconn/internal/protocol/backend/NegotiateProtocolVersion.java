package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * NegotiateProtocolVersion: the newest protocol version the server supports, as a whole version code
 * ({@code 3 << 16 | minor}, which is what PostgreSQL sends despite the docs saying "minor"), and the startup options
 * (names starting with {@code _pq_.}) it did not recognize. Whether to accept is the handshake's
 * decision; the decoder only rejects what is malformed, such as a negative option count.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NEGOTIATEPROTOCOLVERSION">NegotiateProtocolVersion</a>
 */
public record NegotiateProtocolVersion(int newestVersionCode, List<String> unrecognizedOptions)
        implements BackendMessage {

    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static NegotiateProtocolVersion decode(ByteBuf body, String host) {
        String name = "NegotiateProtocolVersion";
        Bodies.need(body, 8, host, name);
        int newestMinor = body.readInt();
        // each option is at least its NUL terminator, so one byte per option bounds the count
        int count = Bodies.count(body, body.readInt(), 1, host, name, "option");
        List<String> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            options.add(Bodies.cString(body, host, name, "option " + (i + 1)));
        }
        return new NegotiateProtocolVersion(newestMinor, options);
    }
}
