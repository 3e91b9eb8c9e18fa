package io.pgconn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a loopback address: every connection made to it is carried to a port on {@code 127.0.0.1},
 * the one {@link #repoint} last named, while connections already made stay where they went. It is the seam for what a
 * test cannot make for real:
 * <ul>
 *   <li>a server's stand-in at another loopback address ({@code 127.0.0.2}, {@code 127.0.0.3}: Linux routes all of
 *       {@code 127.0.0.0/8} to the loopback interface) on a port the test chooses — two on one port give a primary and
 *       a standby the same port at two addresses, what a DNS name repointed at a switchover moves between;</li>
 *   <li>one address whose server the test moves, as an operator moves a DNS name, a Kubernetes Service or a virtual IP
 *       ({@link #repoint}; the open connections stay, as a Service's connection tracking keeps them);</li>
 *   <li>a network between client and server: the server's bytes go through a {@link Pump} the test gives (a latency
 *       after each answer, say), the client's pass as they come.</li>
 * </ul>
 * Plain sockets with {@code TCP_NODELAY}, two daemon threads per connection; a target that refuses ends the client's
 * connection at once (it reads end of stream). {@link #close()} ends the listener and every connection.
 */
public final class LoopbackForwarder implements AutoCloseable {

    /** How bytes travel one way through a forwarded connection: returns (or throws) when {@code from} ends. */
    @FunctionalInterface
    public interface Pump {

        /** Bytes as they come, each read written and flushed at once. */
        Pump AS_THEY_COME = (from, to) -> {
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        };

        void carry(InputStream from, OutputStream to) throws IOException, InterruptedException;
    }

    private static final int TARGET_CONNECT_TIMEOUT_MILLIS = 5_000;

    private final ServerSocket listener;
    private final Pump fromServer;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;
    private volatile boolean closed;

    private LoopbackForwarder(ServerSocket listener, int targetPort, Pump fromServer) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.fromServer = fromServer;
    }

    /** A forwarder on a free port of {@code 127.0.0.1} to {@code 127.0.0.1:targetPort}. */
    public static LoopbackForwarder to(int targetPort) {
        return start("127.0.0.1", 0, targetPort, Pump.AS_THEY_COME);
    }

    /**
     * A forwarder on {@code address:port} (a loopback address; port 0: a free one) to {@code 127.0.0.1:targetPort}, the
     * server's bytes carried by {@code fromServer}, the client's as they come.
     *
     * @throws PgTestkitException if {@code address:port} cannot be listened on (naming both)
     */
    public static LoopbackForwarder start(String address, int port, int targetPort, Pump fromServer) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(fromServer, "fromServer");
        ServerSocket listener;
        try {
            listener = new ServerSocket();
            try {
                listener.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
            } catch (IOException e) {
                listener.close();
                throw e;
            }
        } catch (IOException e) {
            throw new PgTestkitException("cannot listen on " + address + ":" + port + " to forward to 127.0.0.1:" + targetPort, e);
        }
        LoopbackForwarder forwarder = new LoopbackForwarder(listener, targetPort, fromServer);
        daemon(forwarder::accept, "forwarder-" + address + ":" + listener.getLocalPort());
        return forwarder;
    }

    /** The port it listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** New connections go to {@code 127.0.0.1:port} from now on; the open ones stay where they are. */
    public void repoint(int port) {
        targetPort = port;
    }

    private void accept() {
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
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), TARGET_CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                end(client, server); // nothing there: the client reads end of stream
                continue;
            }
            if (closed) { // close() ran between the accept and the add: it did not see these two
                end(client, server);
                return;
            }
            String name = "forwarder-" + listener.getLocalPort() + "-" + client.getPort();
            daemon(() -> carry(client, server, Pump.AS_THEY_COME), name + "-up");
            daemon(() -> carry(server, client, fromServer), name + "-down");
        }
    }

    private void carry(Socket from, Socket to, Pump pump) {
        try {
            pump.carry(from.getInputStream(), to.getOutputStream());
        } catch (IOException | InterruptedException ended) {
            // one side closed or reset, or the forwarder closes: end both
        } finally {
            end(from, to);
        }
    }

    private void end(Socket... pair) {
        for (Socket socket : pair) {
            sockets.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the listener and every connection made through it. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(this::end);
    }
}
