package io.pgconn.r2dbc;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The results a {@link PgConnR2dbcConnection} handed out since its last operation began. A result runs its statement when
 * it is read; one nobody read is run and discarded before the connection's next operation, so operations reach the
 * session in the order they were made and the session never waits on a result nobody reads.
 */
final class UnreadResults {

    private final Queue<PgConnR2dbcResult> handedOut = new ConcurrentLinkedQueue<>();

    /** A result handed out: it runs when read, or when the next operation begins. */
    void add(PgConnR2dbcResult result) {
        handedOut.add(result);
    }

    /** The next operation begins now: each result nobody read is run and discarded first. */
    void discardNow() {
        PgConnR2dbcResult previous;
        while ((previous = handedOut.poll()) != null) {
            previous.drainIfUnread();
        }
    }

    /**
     * The results handed out so far, those nobody read run and discarded one after the other, then empty. Those read
     * already (a transaction's statements before its COMMIT, the usual case) need no wait: when every one was read,
     * nothing is chained at all.
     */
    Mono<Void> discarded() {
        List<PgConnR2dbcResult> unreadEarlier = null;
        PgConnR2dbcResult previous;
        while ((previous = handedOut.poll()) != null) {
            if (previous.unread()) {
                if (unreadEarlier == null) {
                    unreadEarlier = new ArrayList<>();
                }
                unreadEarlier.add(previous);
            }
        }
        if (unreadEarlier == null) {
            return Mono.empty();
        }
        return Flux.fromIterable(unreadEarlier).concatMap(PgConnR2dbcResult::drainedIfUnread).then();
    }

    /**
     * Whether results were handed out that nobody read yet (they run at the next operation). Not those read: they
     * too stay in the queue until the next operation.
     */
    boolean anyUnread() {
        for (PgConnR2dbcResult result : handedOut) {
            if (result.unread()) {
                return true;
            }
        }
        return false;
    }
}
