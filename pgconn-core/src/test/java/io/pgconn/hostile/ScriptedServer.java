package io.pgconn.hostile;

import io.pgconn.testing.Conditions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake PostgreSQL server on loopback that plays a script per accepted connection — for what a
 * real server will not do (misbehave). Each connection runs {@link Script#play(Conversation)} on its
 * own thread; failures of the script are kept and can be rethrown by {@link #assertScriptsPassed()}.
 */
public final class ScriptedServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void play(Conversation conversation) throws Exception;
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Throwable> scriptFailures = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private volatile boolean closed;

    private ScriptedServer(Script script) throws IOException {
        socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> acceptLoop(script), "scripted-pg-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ScriptedServer start(Script script) {
        try {
            return new ScriptedServer(script);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback server socket", e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, as pgconn labels this host. */
    public String label() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /**
     * Waits until every accepted connection has ended (the client closed its socket, or the script
     * closed it), failing after {@code limit}: a hostile case must leave no connection open.
     */
    public void awaitConnectionsEnded(java.time.Duration limit) {
        Conditions.awaitCondition("every connection to " + label() + " closed by the client (the client must close its channel)",
                limit, () -> ended.get() >= connections.get());
    }

    /** Rethrows the first failure a script had (e.g. an unexpected client message). */
    public void assertScriptsPassed() {
        if (!scriptFailures.isEmpty()) {
            AssertionError error = new AssertionError("scripted server failed: " + scriptFailures.get(0), scriptFailures.get(0));
            scriptFailures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    private void acceptLoop(Script script) {
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            accepted.add(client);
            Thread player = new Thread(() -> {
                try (Conversation conversation = new Conversation(client)) {
                    script.play(conversation);
                    // the script is over: the connection ends when the client closes it
                    conversation.awaitClientClose();
                } catch (IOException e) {
                    // the client went away (EOF, reset, broken pipe) or the script closed the socket: the connection ended
                } catch (Throwable t) {
                    if (!closed) {
                        scriptFailures.add(t);
                    }
                } finally {
                    ended.incrementAndGet();
                }
            }, "scripted-pg-conn-" + connections.get());
            player.setDaemon(true);
            player.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : new ArrayList<>(accepted)) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
