package io.pgconn.r2dbc;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Whether a {@link PgConnConnectionPool} has a session idle that no pending borrower is about to take, and a signal when
 * a borrower's release left one so: a connect that waits for the pool's next login turn at a full server gives its
 * borrower back then (it would otherwise wait for the turn, up to 250 ms, while that session sits idle). r2dbc-pool has
 * no release event; the pool's leases tell this when their release ended ({@link PoolLeasedConnection}). A release
 * through another path (r2dbc-pool's own, on a cancel before the lease) is seen at the waiting connect's turn.
 */
final class PoolIdleSessions {

    private final BooleanSupplier idleUnclaimed;
    private final Set<Sinks.Empty<Void>> waiting = ConcurrentHashMap.newKeySet();

    /** {@code idleUnclaimed}: the pool has an idle session and no pending acquire. */
    PoolIdleSessions(BooleanSupplier idleUnclaimed) {
        this.idleUnclaimed = idleUnclaimed;
    }

    /** Whether a session sits idle with no borrower waiting for it. */
    boolean idleUnclaimed() {
        return idleUnclaimed.getAsBoolean();
    }

    /** Completes when a release leaves a session idle with no borrower waiting for it; never otherwise. */
    Mono<Void> nextIdle() {
        return Mono.defer(() -> {
            Sinks.Empty<Void> idle = Sinks.empty();
            waiting.add(idle);
            if (idleUnclaimed()) {
                idle.tryEmitEmpty(); // released before this connect began to listen
            }
            return idle.asMono().doFinally(signal -> waiting.remove(idle));
        });
    }

    /** A borrower's release ended: tells the waiting connects when it left a session idle with no borrower waiting. */
    void released() {
        if (!waiting.isEmpty() && idleUnclaimed()) {
            waiting.forEach(Sinks.Empty::tryEmitEmpty);
        }
    }
}
