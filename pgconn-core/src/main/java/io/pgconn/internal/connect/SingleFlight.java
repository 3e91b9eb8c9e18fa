package io.pgconn.internal.connect;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One pending read per file (or file set) at a time: a connect that needs a file another connect is reading already
 * joins that read instead of starting its own (REVIEW-26 R26-3). A read that does not finish — a FIFO nobody writes, a
 * hung NFS mount: a thread in {@code open()} cannot be interrupted — then keeps one file-read thread, however many
 * connects and retries wait for it, and the factory's other file reads find the rest of the pool free. The entry goes
 * when its read completes, so the next connect reads the file again, as libpq does at every connect.
 *
 * @param <K> what is read: the password file's path, the TLS settings naming the TLS files
 * @param <V> what the read makes of it
 */
final class SingleFlight<K, V> {

    private final ConcurrentHashMap<K, CompletableFuture<V>> pending = new ConcurrentHashMap<>();

    /**
     * The pending read of {@code key}, or a new one started by {@code read} (which must not block: it hands the work
     * to a pool). Completes as the read does, on its thread, or at once when it was refused.
     */
    CompletableFuture<V> join(K key, Supplier<CompletableFuture<V>> read) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = pending.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        CompletableFuture<V> started;
        try {
            started = read.get();
        } catch (RuntimeException e) {
            pending.remove(key, mine);
            mine.completeExceptionally(e);
            return mine;
        }
        started.whenComplete((value, error) -> {
            pending.remove(key, mine); // before completing: a connect that comes after this read's result reads again
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(value);
            }
        });
        return mine;
    }

    /** Whether a read of {@code key} is pending; for tests. */
    boolean pending(K key) {
        return pending.containsKey(key);
    }
}
