package io.pgconn.spring.boot.autoconfigure;

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
 * One loopback address whose server the test moves, as an operator moves a DNS name, a Kubernetes Service or a
 * virtual IP at a switchover: each new TCP connection is forwarded to the port {@link #repoint} last named, while
 * the connections already made stay on the server they reached (what a Service's connection tracking, a load
 * balancer, or a name the client looked up earlier does). A real DNS move cannot be made in a test; this is the
 * seam. Plain sockets, two daemon threads per connection; {@link #close()} ends every connection and the listener.
 */
public final class RepointableForwarder implements AutoCloseable {

    private final ServerSocket listener;

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private volatile int targetPort;

    private volatile boolean closed;

    public RepointableForwarder(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "forwarder-" + this.listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port to connect to (on the loopback address). */
    public int port() {
        return this.listener.getLocalPort();
    }

    /** New connections go to {@code port} from now on; the open ones stay where they are. */
    public void repoint(int port) {
        this.targetPort = port;
    }

    private void accept() {
        while (!this.closed) {
            Socket client;
            try {
                client = this.listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            this.sockets.add(client);
            Socket server = new Socket();
            this.sockets.add(server);
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 2_000);
            } catch (IOException refused) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            pump(client, server);
            pump(server, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // one side closed or reset: end both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "forwarder-pump-" + from.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        this.closed = true;
        try {
            this.listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        this.sockets.forEach(RepointableForwarder::closeQuietly);
    }
}
