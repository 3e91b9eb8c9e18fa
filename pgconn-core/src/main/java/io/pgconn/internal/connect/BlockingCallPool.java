package io.pgconn.internal.connect;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgconn.FatalErrors;
import io.pgconn.PgClosedException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small bounded pool of its own for the calls a connect makes that may block — never on an event loop, which they
 * could block for seconds: one for the system's name services, one for the files a connect reads ({@link #forFiles}).
 * Until session 27 it was named {@code HostNameLookups}, for its first use.
 *
 * <p>Host-name look-ups ({@code getaddrinfo} through {@link InetAddress#getAllByName}, as libpq does, so
 * {@code /etc/hosts}, nsswitch and search domains behave the same) run on the first ({@link #lookUp}). The other
 * look-up a connect makes in the system's name services, requirepeer's user name ({@link RequirePeer}:
 * NSS, which may ask LDAP or sssd), runs here too ({@link #run}). The files a connect reads
 * ({@link ConnectFiles}: {@code .pgpass}, the TLS material) run on a second pool of the same kind ({@link #forFiles}).
 *
 * <p>The JDK keeps each answer for {@code networkaddress.cache.ttl} (30 s by default), where libpq asks again at every
 * connect: a name repointed at a switchover is dialled at its old address until then. That is the application's
 * JVM-wide setting, not overridden here; a wrong-role answer from a name says so ({@link io.pgconn.JvmDnsCache},
 * docs/lifecycle.md §1.1). A connect that asks for {@code hostResolver=netty-dns} does not come here: Netty's DNS client
 * answers it on the event loop, by each record's TTL ({@link NettyDnsLookups}, docs/lifecycle.md §1.1.1).
 *
 * <p>The pool is bounded both ways: {@link #THREADS} look-ups run at once and {@link #QUEUED} wait;
 * one more fails at once with a {@link PgConnectException} that says so (the caller's walk moves on
 * to its next host, as after any DNS failure). {@link #close()} fails the waiting ones with
 * {@link PgClosedException}, so no connect waits for a look-up that will never run.
 */
final class BlockingCallPool {

    /** The blocking call; a seam for tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    static final int THREADS = 4;
    static final int QUEUED = 256;

    private final Lookup lookup;
    private final int threads;
    private final int queued;
    /** The threads' name prefix. */
    private final String threadName;
    /** Why a task is refused when {@link #queued} wait already, after the count. */
    private final String whenFull;
    /**
     * Made at the first look-up (guarded by this): a factory whose hosts are IP addresses or socket paths — and a
     * short-lived tool's factory made for one connect — never builds a pool. Null also after a {@link #close()}
     * that came first; {@link #closed} tells.
     */
    private ThreadPoolExecutor pool;
    private boolean closed;

    BlockingCallPool() {
        this(InetAddress::getAllByName, THREADS, QUEUED);
    }

    BlockingCallPool(Lookup lookup, int threads, int queued) {
        this(lookup, threads, queued, "pgconn-dns", "lookups are already waiting (is the DNS server or another name service slow or"
                + " unreachable?)");
    }

    private BlockingCallPool(Lookup lookup, int threads, int queued, String threadName, String whenFull) {
        this.lookup = lookup;
        this.threads = threads;
        this.queued = queued;
        this.threadName = threadName;
        this.whenFull = whenFull;
    }

    /**
     * A pool of the same shape for the files a connect reads ({@link ConnectFiles}: the TLS files before it dials, the
     * password file when the server asks for a password), apart from the
     * look-ups: a file that never answers (a FIFO nobody writes, a hung NFS mount) parks its thread until it does, and
     * must not leave the name look-ups of the factory's other hosts waiting behind it (REVIEW-26 R26-3). Its
     * {@link #lookUp} is not used.
     */
    static BlockingCallPool forFiles() {
        return new BlockingCallPool(InetAddress::getAllByName, THREADS, QUEUED, "pgconn-files",
                "file reads are already waiting (does a file system, or a FIFO a connect reads, not answer?)");
    }

    /** The pool, made now if this is the first look-up; null once closed. */
    private synchronized ThreadPoolExecutor pool() {
        if (pool == null && !closed) {
            pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                    new DefaultThreadFactory(threadName, true), new ThreadPoolExecutor.AbortPolicy());
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    /** Whether a pool was made (a look-up ran or was asked for); for tests. */
    synchronized boolean started() {
        return pool != null;
    }

    /** The addresses of {@code host}'s name; completes on a look-up thread (or at once when refused). */
    CompletableFuture<InetAddress[]> lookUp(HostSpec host) {
        String what = "translate host name \"" + host.host() + "\" to an address";
        return run(host, what, () -> {
            try {
                return lookup.lookup(host.host());
            } catch (UnknownHostException e) {
                throw new PgConnectException(host.label(), "could not " + what + ": " + reason(host.host(), e.getMessage()), e);
            } catch (RuntimeException e) {
                throw new PgConnectException(host.label(), "could not " + what + ": " + e, e);
            }
        });
    }

    /**
     * The JDK's reason for a failed look-up without the name it puts in front ({@code "db: Name or service not known"}),
     * which the message names already, as libpq says it once; a bare name — the JDK's answer from its cache of failed
     * look-ups — says that no reason was given, rather than the name again.
     */
    static String reason(String name, String said) {
        if (said == null || said.isEmpty() || said.equals(name)) {
            return "no address, and the JDK gave no reason (as when it answers from its cache of failed look-ups:"
                    + " networkaddress.cache.negative.ttl, 10 s by default)";
        }
        return said.startsWith(name + ": ") ? said.substring(name.length() + 2) : said;
    }

    /**
     * Runs {@code call}, a look-up that may block in the system's name services, on this pool: its value or
     * what it threw completes the future, on a look-up thread (or at once when refused: {@code what} — "could not
     * <i>what</i>" — names it then).
     */
    <T> CompletableFuture<T> run(HostSpec host, String what, Callable<T> call) {
        Task<T> task = new Task<>(host, what, call);
        ThreadPoolExecutor pool = pool();
        if (pool == null) {
            task.result.completeExceptionally(closed(host, what));
            return task.result;
        }
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            task.result.completeExceptionally(pool.isShutdown()
                    ? closed(host, what)
                    : new PgConnectException(host.label(), "could not " + what + ": " + queued + " " + whenFull));
        }
        return task.result;
    }

    /** Stops the look-up threads; look-ups still waiting fail with {@link PgClosedException}. */
    void close() {
        ThreadPoolExecutor made;
        synchronized (this) {
            closed = true;
            made = pool;
        }
        if (made == null) {
            return; // no look-up ever ran: no threads, nothing waiting
        }
        List<Runnable> waiting = made.shutdownNow();
        for (Runnable r : waiting) {
            if (r instanceof Task<?> task) {
                task.result.completeExceptionally(closed(task.host, task.what));
            }
        }
    }

    private static PgClosedException closed(HostSpec host, String what) {
        return new PgFactoryClosedException(host.label(), "could not " + what + ": the connection factory was closed");
    }

    private static final class Task<T> implements Runnable {
        final HostSpec host;
        final String what;
        final Callable<T> call;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Task(HostSpec host, String what, Callable<T> call) {
            this.host = host;
            this.what = what;
            this.call = call;
        }

        @Override
        public void run() {
            try {
                result.complete(call.call());
            } catch (Throwable e) { // an Error too: the connect waiting for this look-up must not wait for ever
                result.completeExceptionally(e);
                FatalErrors.throwIfFatal(e);
            }
        }
    }
}
