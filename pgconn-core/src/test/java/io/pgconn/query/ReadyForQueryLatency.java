package io.pgconn.query;

import io.pgconn.testkit.LoopbackForwarder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The server's side of a {@link LoopbackForwarder} in front of a PostgreSQL server that adds latency to its answers the
 * way a network between a pooler and its server does: the server writes (flushes) at every ReadyForQuery, and whatever
 * it writes after one reaches the forwarder's client {@code latency} later. The server's bytes are read message by
 * message (type byte, length; TLS is not expected: the pooler connects with {@code server_tls_sslmode} disabled, its
 * default), passed on when the server has written no more, and held {@code latency} after each ReadyForQuery.
 */
final class ReadyForQueryLatency implements LoopbackForwarder.Pump {

    private final long latencyMillis;

    private ReadyForQueryLatency(Duration latency) {
        this.latencyMillis = latency.toMillis();
    }

    /** A forwarder on a free port of 127.0.0.1 to the server on 127.0.0.1:{@code serverPort}, its answers {@code latency} late. */
    static LoopbackForwarder forwarder(int serverPort, Duration latency) {
        return LoopbackForwarder.start("127.0.0.1", 0, serverPort, new ReadyForQueryLatency(latency));
    }

    @Override
    public void carry(InputStream from, OutputStream to) throws IOException, InterruptedException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(from));
        OutputStream out = new BufferedOutputStream(to);
        while (true) {
            int type = in.read();
            if (type < 0) {
                return;
            }
            int length;
            byte[] body;
            try {
                length = in.readInt();
                body = new byte[length - 4];
                in.readFully(body);
            } catch (EOFException e) {
                return; // the server closed mid-message
            }
            out.write(type);
            out.write(length >>> 24);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
            out.write(body);
            if (type == 'Z') {
                out.flush();
                Thread.sleep(latencyMillis); // the latency being modelled: what follows arrives this much later
            } else if (in.available() == 0) {
                out.flush(); // an answer to a Flush (a Describe's), or the rest comes later: pass on what there is
            }
        }
    }
}
