package io.pgconn.internal.connect;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Host-name look-ups ({@code getaddrinfo} through {@link InetAddress#getAllByName}, as libpq does, so
 * {@code /etc/hosts}, nsswitch and search domains behave the same) on a small pool of their own —
 * never on an event loop, which they could block for seconds when a DNS server is slow.
 *
 * <p>The pool is bounded both ways: {@link #THREADS} look-ups run at once and {@link #QUEUED} wait;
 * one more fails at once with a {@link PgConnectException} that says so (the caller's walk moves on
 * to its next host, as after any DNS failure). {@link #close()} fails the waiting ones with
 * {@link PgClosedException}, so no connect waits for a look-up that will never run.
 */
final class HostNameLookups {

    /** The blocking call; a seam for tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    static final int THREADS = 4;
    static final int QUEUED = 256;

    private final Lookup lookup;
    private final int queued;
    private final ThreadPoolExecutor pool;

    HostNameLookups() {
        this(InetAddress::getAllByName, THREADS, QUEUED);
    }

    HostNameLookups(Lookup lookup, int threads, int queued) {
        this.lookup = lookup;
        this.queued = queued;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                new DefaultThreadFactory("pgconn-dns", true), new ThreadPoolExecutor.AbortPolicy());
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** The addresses of {@code host}'s name; completes on a look-up thread (or at once when refused). */
    CompletableFuture<InetAddress[]> lookUp(HostSpec host) {
        Task task = new Task(host);
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            task.result.completeExceptionally(pool.isShutdown()
                    ? closed(host)
                    : new PgConnectException(host.label(), "could not translate host name \"" + host.host() + "\" to an address: "
                    + queued + " host-name lookups are already waiting (is the DNS server slow or unreachable?)"));
        }
        return task.result;
    }

    /** Stops the look-up threads; look-ups still waiting fail with {@link PgClosedException}. */
    void close() {
        List<Runnable> waiting = pool.shutdownNow();
        for (Runnable r : waiting) {
            if (r instanceof Task task) {
                task.result.completeExceptionally(closed(task.host));
            }
        }
    }

    private static PgClosedException closed(HostSpec host) {
        return new PgClosedException(host.label(), "could not look up host name \"" + host.host()
                + "\": the connection factory was closed");
    }

    private final class Task implements Runnable {
        final HostSpec host;
        final CompletableFuture<InetAddress[]> result = new CompletableFuture<>();

        Task(HostSpec host) {
            this.host = host;
        }

        @Override
        public void run() {
            try {
                result.complete(lookup.lookup(host.host()));
            } catch (UnknownHostException e) {
                result.completeExceptionally(new PgConnectException(host.label(), "could not translate host name \"" + host.host()
                        + "\" to an address: " + e.getMessage(), e));
            } catch (RuntimeException e) {
                result.completeExceptionally(new PgConnectException(host.label(), "could not translate host name \"" + host.host()
                        + "\" to an address: " + e, e));
            }
        }
    }
}
