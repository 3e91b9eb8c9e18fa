package io.pgconn.internal.session;

import io.pgconn.config.HostSpec;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections a factory handed out and that are still open, by the host label they reached: what its
 * {@code openConnections()} counts and its close ends, what the host memory asks after a connect timed out (a session
 * open to the host tells a pooler's queue from a dead server, docs/lifecycle.md §2.4), and what a watcher's
 * {@code hostObservations(lookup).closeConnections} closes (docs/lifecycle.md §4). Thread-safe.
 */
public final class OpenConnections {

    private final Set<ConnectionControl> open = ConcurrentHashMap.newKeySet();

    public void add(ConnectionControl connection) {
        open.add(connection);
    }

    public void remove(ConnectionControl connection) {
        open.remove(connection);
    }

    public int size() {
        return open.size();
    }

    /** What is open now, for a close of them all. */
    public List<ConnectionControl> snapshot() {
        return List.copyOf(open);
    }

    /** Open to the host labelled {@code hostLabel} (a scan: asked after a connect timed out, and by a watcher's close). */
    public List<ConnectionControl> to(String hostLabel) {
        return open.stream().filter(c -> c.hostSpec() != null && hostLabel.equals(c.hostSpec().label())).toList();
    }

    /**
     * Closes every connection open to {@code host} because the server stopped answering: work in flight fails with
     * "connection to host:port closed: {@code reason}", and the socket is closed without waiting for a CancelRequest's
     * answer ({@link ConnectionControl#closeUnanswered}).
     *
     * @return how many were closed; completes when their sockets are closed
     */
    public CompletableFuture<Integer> closeUnanswered(HostSpec host, String reason) {
        String label = Objects.requireNonNull(host, "host").label();
        String closeReason = "closed: " + Objects.requireNonNull(reason, "reason");
        List<ConnectionControl> toClose = to(label);
        // each close ends with its socket closed, also when the server never reads the Terminate
        // (the connection closes its socket anyway after a bound: SessionEnd.FORCED_CLOSE_AFTER)
        CompletableFuture<?>[] sockets = toClose.stream().map(c -> {
            c.closeUnanswered(closeReason); // no cancel-first wait: the host stopped answering
            CompletableFuture<Void> socketClosed = new CompletableFuture<>();
            c.channel().closeFuture().addListener(f -> socketClosed.complete(null));
            return socketClosed;
        }).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sockets).thenApply(ignored -> toClose.size());
    }
}
