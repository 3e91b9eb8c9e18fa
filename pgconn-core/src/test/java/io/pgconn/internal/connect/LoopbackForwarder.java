package io.pgconn.internal.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server's stand-in at another loopback address ({@code 127.0.0.2}, {@code 127.0.0.3}: Linux routes all of
 * {@code 127.0.0.0/8} to the loopback interface), on a port the test chooses: every TCP connection made to it is carried
 * to the server's port on {@code 127.0.0.1}. Two of them on one port give a primary and a standby the same port at two
 * addresses, which is what a DNS name repointed at a switchover moves between (an A record holds no port). Plain
 * sockets, two daemon threads per connection; {@link #close()} ends the listener and every connection.
 */
final class LoopbackForwarder implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Listens on {@code address}:{@code port} (0: any free port) and carries each connection to 127.0.0.1:{@code targetPort}. */
    LoopbackForwarder(String address, int port, int targetPort) {
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket();
            this.listener.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "forwarder-" + address + ":" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server;
            try {
                server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            } catch (IOException e) {
                closeQuietly(client); // nothing there: the client sees the connection end
                continue;
            }
            sockets.add(client);
            sockets.add(server);
            pump(client, server);
            pump(server, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // one side went away: end both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "forwarder-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(LoopbackForwarder::closeQuietly);
    }
}
