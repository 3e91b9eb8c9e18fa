package io.pgconn.query;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a PostgreSQL server (127.0.0.1) that adds latency to the server's answers the way a network
 * between a pooler and its server does: the server writes (flushes) at every ReadyForQuery, and whatever it writes
 * after one reaches the relay's client {@code latency} later. Client to server bytes pass unchanged; server to client
 * bytes are read message by message (type byte, length; TLS is not expected: the pooler connects with
 * {@code server_tls_sslmode} disabled, its default), passed on when the server has written no more, and held
 * {@code latency} after each ReadyForQuery. A thread per direction and connection; {@link #close()} closes every socket, which ends them.
 */
final class ReadyForQueryLatencyRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int serverPort;
    private final long latencyMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private ReadyForQueryLatencyRelay(ServerSocket listener, int serverPort, Duration latency) {
        this.listener = listener;
        this.serverPort = serverPort;
        this.latencyMillis = latency.toMillis();
    }

    /** A relay on a free port of 127.0.0.1 to the server on 127.0.0.1:{@code serverPort}. */
    static ReadyForQueryLatencyRelay start(int serverPort, Duration latency) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ReadyForQueryLatencyRelay relay = new ReadyForQueryLatencyRelay(listener, serverPort, latency);
        Thread accept = new Thread(relay::acceptLoop, "relay-accept-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
        return relay;
    }

    /** The port the relay listens on (127.0.0.1). */
    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server = new Socket();
            sockets.add(client);
            sockets.add(server);
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            daemon(() -> copyBytes(client, server), "relay-up-" + client.getPort());
            daemon(() -> copyMessagesWithLatency(server, client), "relay-down-" + client.getPort());
        }
    }

    private static void daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void copyBytes(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void copyMessagesWithLatency(Socket from, Socket to) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(from.getInputStream()));
                OutputStream out = new BufferedOutputStream(to.getOutputStream())) {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return;
                }
                int length = in.readInt();
                byte[] body = new byte[length - 4];
                in.readFully(body);
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
        } catch (EOFException | InterruptedException e) {
            // server closed mid-message, or the relay is closing
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
