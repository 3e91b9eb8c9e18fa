package io.pgconn.internal.session;

import io.pgconn.internal.query.Exchange;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One session's side of its factory's type OID knowledge ({@link TypeOidEpoch}), set by the connect path
 * once the session's names were looked up: it tells the factory when a type-changing command
 * ({@link TypeChangingCommands}) ended its transaction on this session, and, when the factory's epoch
 * moved past the answer this session holds, gives the exchange that looks the names up again
 * ({@link TypeOidRefresh}) to run before the next statement submitted outside a transaction. Event loop
 * only (apart from the constructor and {@link #stale()}).
 *
 * <p>A session nobody watches ({@link #unwatched()}: before the connect path knows its answer, and on
 * replication sessions) has the same object with no names and an epoch of no one's: it is never stale,
 * queues no lookup, and type DDL on it moves nothing.
 *
 * <p>Why at the end of the transaction: other sessions see a created type only once it is committed; a
 * lookup they made between the {@code CREATE TYPE} and its {@code COMMIT} would find nothing and
 * keep that answer. Why not inside a transaction: a repeatable-read snapshot may predate the type.
 */
public final class SessionTypeOids {

    /** An epoch nobody reads: never moves. */
    private static final TypeOidEpoch UNWATCHED_EPOCH = new TypeOidEpoch() {
        @Override
        public long current() {
            return 0;
        }

        @Override
        public void advance() {
        }
    };

    /** The configured names, each followed by its array type ({@link TypeOidQuery#withArrayTypes}). */
    private final String[] names;
    private final TypeOidEpoch epoch;
    private final Consumer<Map<String, Integer>> apply;
    /** Written on the event loop, read from any thread ({@link #stale()}). */
    private volatile long knownEpoch;
    private boolean changedInTransaction;
    private boolean refreshing;

    /** Nothing on this session is watched nor refreshed (the null object, so the session needs no null checks). */
    static SessionTypeOids unwatched() {
        return new SessionTypeOids(List.of(), UNWATCHED_EPOCH, 0, oids -> { });
    }

    /**
     * @param names      the session's {@code extensionTypes} (may be empty: it still reports type changes)
     * @param knownEpoch the factory's epoch read before the answer the session holds was asked for
     * @param apply      binds the session's codecs to a new answer
     */
    public SessionTypeOids(List<String> names, TypeOidEpoch epoch, long knownEpoch, Consumer<Map<String, Integer>> apply) {
        this.names = TypeOidQuery.withArrayTypes(names.toArray(String[]::new));
        this.epoch = epoch;
        this.knownEpoch = knownEpoch;
        this.apply = apply;
    }

    /** Whether the factory's epoch moved past this session's answer (and it has names to look up). Safe from any thread. */
    boolean stale() {
        return names.length > 0 && epoch.current() != knownEpoch;
    }

    /** A statement of the session completed with {@code tag}. */
    void commandCompleted(String tag) {
        if (TypeChangingCommands.changesTypes(tag)) {
            changedInTransaction = true;
        }
    }

    /**
     * ReadyForQuery with {@code status}: when no transaction is open any more and a type-changing command
     * ran since the last time, the factory's answers are stale. Called before the exchange's own
     * completion, so that whoever waits for the DDL finds the epoch moved.
     */
    void readyForQuery(char status) {
        if (status == 'I' && changedInTransaction) {
            changedInTransaction = false;
            epoch.advance();
        }
    }

    /**
     * The exchange to queue before one submitted now, or null: none when the session's answer is of the
     * current epoch, a lookup is already queued, it has no names, or the session is not {@code idle}.
     * Idle means nothing is in flight and the last ReadyForQuery said no transaction is open: with an
     * exchange still unanswered (a pipelined BEGIN) the lookup could become a transaction's first query
     * (REVIEW-11 F4: a following SET TRANSACTION fails with 25001). A busy session asks at its next idle submit.
     */
    Exchange refreshBefore(boolean idle, String host) {
        if (refreshing || !idle || names.length == 0) {
            return null;
        }
        long now = epoch.current();
        if (now == knownEpoch) {
            return null;
        }
        refreshing = true;
        return new TypeOidRefresh(this, now, names, host);
    }

    /** The lookup asked at {@code askedAt} answered: the session's codecs use it. */
    void refreshed(long askedAt, Map<String, Integer> oids) {
        refreshing = false;
        knownEpoch = askedAt;
        apply.accept(oids);
    }

    /** The lookup failed (or the session ended): the codecs stay; the next statement asks again. */
    void refreshFailed() {
        refreshing = false;
    }
}
