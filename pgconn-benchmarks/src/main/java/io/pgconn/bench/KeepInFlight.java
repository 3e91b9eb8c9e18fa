package io.pgconn.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An asynchronous client's pipeline: {@code inFlight} operations are issued at once and each completion issues the next
 * (on the thread that completes it, for pgconn and vert.x their event loop), so {@code inFlight} stay on the wire until
 * {@code count} have completed. The first failure fails the whole run.
 */
final class KeepInFlight {
    private final int count;
    private final IntFunction<CompletableFuture<?>> issue;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger left;
    private final CompletableFuture<Void> all = new CompletableFuture<>();

    private KeepInFlight(int count, IntFunction<CompletableFuture<?>> issue) {
        this.count = count;
        this.issue = issue;
        this.left = new AtomicInteger(count);
    }

    /** Runs operations {@code 0 .. count-1} through {@code issue}, at most {@code inFlight} at a time. */
    static CompletableFuture<Void> run(int count, int inFlight, IntFunction<CompletableFuture<?>> issue) {
        KeepInFlight run = new KeepInFlight(count, issue);
        if (count == 0) {
            run.all.complete(null);
        }
        for (int k = 0; k < Math.min(inFlight, count); k++) {
            run.issueNext();
        }
        return run.all;
    }

    private void issueNext() {
        int i = next.getAndIncrement();
        if (i >= count) {
            return;
        }
        issue.apply(i).whenComplete((r, e) -> {
            if (e != null) {
                all.completeExceptionally(e);
            } else if (left.decrementAndGet() == 0) {
                all.complete(null);
            } else {
                issueNext();
            }
        });
    }
}
