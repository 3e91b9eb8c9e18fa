package io.pgconn.r2dbc;

import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
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
            return Mono.fromFuture(reader, false);
        });
    }
}
