package io.pgconn.r2dbc;

import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The core's futures as Monos for work that must run to its end even when the reader cancels: a
 * COMMIT, a SET, a connect, a close. Cancelling the Mono leaves the work alone (Reactor's
 * {@code fromFuture(future, true)} does that too) and then takes no notice of its outcome: a failure
 * that comes after the cancel (e.g. the connection closed under a request that timed out) is expected
 * and not reported — Reactor would log it as an ERROR through {@code onErrorDropped} — and a value that
 * comes after the cancel is handed to {@code orphan}, which owns it from then on (a new connection
 * nobody will use is closed).
 *
 * <p>A value can also complete the reader's future just before the reader cancels, and Reactor would then
 * drop it: the Mono discards a value that meets a cancelled reader, and a reader that cancels before it asked
 * for the value (Reactor's {@code fromFuture} looks at the future only on the first request) leaves it in the
 * future for good. Both go to {@code orphan} too: every value is either received or orphaned, never neither.
 */
final class CoreFutures {

    private CoreFutures() {
    }

    static <T> Mono<T> untilDone(Supplier<? extends CompletableFuture<T>> work) {
        return untilDone(work, value -> { });
    }

    static <T> Mono<T> untilDone(Supplier<? extends CompletableFuture<T>> work, Consumer<? super T> orphan) {
        return Mono.defer(() -> {
            CompletableFuture<T> reader = new CompletableFuture<>(); // cancelling the Mono cancels only this
            work.get().whenComplete((value, error) -> {
                boolean taken = error == null ? reader.complete(value) : reader.completeExceptionally(error);
                if (!taken && error == null && value != null) {
                    orphan.accept(value);
                }
            });
            AtomicBoolean requested = new AtomicBoolean(); // request and cancel come one at a time (Reactive Streams §2.7)
            return Mono.fromFuture(reader, false)
                    .doOnDiscard(Object.class, discarded -> orphanOf(discarded, orphan))
                    .doOnRequest(n -> requested.set(true))
                    .doOnCancel(() -> {
                        if (!requested.get()) {
                            unrequested(reader, orphan);
                        }
                    });
        });
    }

    /**
     * The reader cancelled before it asked for the value: if the work has not completed, the reader's future is
     * cancelled here (the work's callback then orphans a later value); else its value is orphaned here — the one
     * CAS on the future decides which, so a value is orphaned exactly once.
     */
    private static <T> void unrequested(CompletableFuture<T> reader, Consumer<? super T> orphan) {
        if (reader.cancel(false) || reader.isCompletedExceptionally()) {
            return;
        }
        T value = reader.join();
        if (value != null) {
            orphan.accept(value);
        }
    }

    /** The reader's value that Reactor discarded (the only value its future carries, so the cast holds). */
    @SuppressWarnings("unchecked")
    private static <T> void orphanOf(Object discarded, Consumer<? super T> orphan) {
        orphan.accept((T) discarded);
    }
}
