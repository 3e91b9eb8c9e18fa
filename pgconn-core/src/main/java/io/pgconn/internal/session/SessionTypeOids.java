package io.pgconn.internal.session;

import io.pgconn.codec.CodecRegistry;
import io.pgconn.internal.query.Exchange;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One session's side of its factory's type OID knowledge ({@link TypeOidEpoch}), set by the connect path
 * once the session's names were looked up: it tells the factory when a type-changing command
 * ({@link TypeChangingCommands}) ended its transaction on this session, and, when the factory's epoch
 * moved past the answer this session holds, gives the exchange that looks the names up again
 * ({@link TypeOidRefresh}): queued in front of the next statement submitted, behind whatever is in
 * flight, it runs when everything before it is answered and no transaction is open then; when one is, it
 * is queued again behind the next statement that may end it ({@link Exchange#mayEndTransaction()}). Event
 * loop only (apart from the constructor and {@link #stale()}).
 *
 * <p>A session nobody watches ({@link #unwatched()}: before the connect path knows its answer, and on
 * replication sessions) has the same object with no names and an epoch of no one's: it is never stale,
 * queues no lookup, and type DDL on it moves nothing.
 *
 * <p>It also places the lookup in the session's FIFO ({@link #queueWithLookup}): the session asks only
 * whether a submit may come with one ({@link #mayQueueLookup()}).
 *
 * <p>Why at the end of the transaction: other sessions see a created type only once it is committed; a
 * lookup they made between the {@code CREATE TYPE} and its {@code COMMIT} would find nothing and
 * keep that answer. Why not inside a transaction: a repeatable-read snapshot may predate the type.
 */
public final class SessionTypeOids {

    /** An epoch nobody reads: never moves (tests: a factory's epoch that stays). */
    static final TypeOidEpoch UNWATCHED_EPOCH = new TypeOidEpoch() {
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
    /** Whether the server reports search_path (PostgreSQL 18+): its ParameterStatus, not the SET tags, says when it changed. */
    private final boolean searchPathReported;
    /** The search path the server last reported (PostgreSQL 18+); written on the event loop, read from any thread. */
    private volatile String searchPath;
    /** The reported search path the answer the session holds was given under. */
    private volatile String searchPathAnswered;
    /** Before PostgreSQL 18: how often this session's search path may have changed; written on the event loop, read from any thread. */
    private volatile int searchPathChanges;
    /** {@link #searchPathChanges} when the answer the session holds was given. */
    private volatile int searchPathChangesAnswered;
    private Lookup lookup = Lookup.NONE;
    /** PostgreSQL 18+: the answers given under each search path seen, so going back to one sends no lookup. */
    private final SearchPathAnswers answers = new SearchPathAnswers();
    /**
     * The enum array types of the latest answer ({@code CodecRegistry.isEnumArrayKey}): an answer kept under a search
     * path is bound with these instead of its own, since they are the database's, not the path's — an enum created
     * elsewhere (which moves no epoch) after a path's answer made each switch to and from that path bind other codecs
     * (REVIEW-29 R29-9's residual).
     */
    private Map<String, Integer> latestEnumArrays = Map.of();
    /**
     * Whether this thread may touch the session's state now (assertions only, {@link #belongsTo}; REVIEW-18-START L6):
     * the loop inside one of the session's doors, or the caller that owns the session. Always, for one on its own.
     */
    private BooleanSupplier mayTouchState = () -> true;

    /** Where this session's next lookup stands. */
    private enum Lookup {
        /** None queued: the next submit queues one if the session is stale. */
        NONE,
        /** One is in the FIFO (waiting for its turn, or answering). */
        QUEUED,
        /** One found a transaction open at its turn: the next one goes behind a statement that may end it. */
        AFTER_TRANSACTION_END
    }

    /**
     * Assertions only — {@code assert oids.belongsTo(session::mayTouchState)}: its mutators assert that this thread may
     * touch the session's state ({@link PipelinedSession#mayTouchState}), so a missed door fails a test, not a user.
     */
    boolean belongsTo(BooleanSupplier mayTouchState) {
        this.mayTouchState = mayTouchState;
        return true;
    }

    /** Nothing on this session is watched nor refreshed (the null object, so the session needs no null checks). */
    static SessionTypeOids unwatched() {
        return new SessionTypeOids(List.of(), UNWATCHED_EPOCH, 0, null, oids -> { });
    }

    /** A session whose connect path has no answer for it (it failed, and {@code extensionTypesRequired} is off). */
    public SessionTypeOids(List<String> names, TypeOidEpoch epoch, long knownEpoch, String searchPath,
                           Consumer<Map<String, Integer>> apply) {
        this(names, epoch, knownEpoch, searchPath, null, apply);
    }

    /**
     * @param names      the session's {@code extensionTypes} (may be empty: it still reports type changes)
     * @param knownEpoch the factory's epoch read before the answer the session holds was asked for
     * @param searchPath the {@code search_path} the server reported when the answer the session holds was given
     *                   (ParameterStatus, PostgreSQL 18+), or {@code null} when it does not report it
     * @param answer     the answer the session holds (the connect path's), or {@code null} when it has none: kept as
     *                   the answer under {@code searchPath} ({@link SearchPathAnswers})
     * @param apply      binds the session's codecs to a new answer
     */
    public SessionTypeOids(List<String> names, TypeOidEpoch epoch, long knownEpoch, String searchPath,
                           Map<String, Integer> answer, Consumer<Map<String, Integer>> apply) {
        this.names = TypeOidQuery.withArrayTypes(names.toArray(String[]::new));
        this.epoch = epoch;
        this.knownEpoch = knownEpoch;
        this.searchPathReported = searchPath != null;
        this.searchPath = searchPath;
        this.searchPathAnswered = searchPath;
        this.apply = apply;
        if (searchPath != null && answer != null) {
            answers.remember(searchPath, knownEpoch, answer);
        }
        if (answer != null) {
            latestEnumArrays = enumArrays(answer);
        }
    }

    /**
     * Whether the session's answer is stale (and it has names to look up): the factory's epoch moved past it, or
     * the session's search path is another than the one it was given under (a name may resolve to another schema's
     * type). Safe from any thread.
     */
    boolean stale() {
        return names.length > 0 && (epoch.current() != knownEpoch || searchPathMoved());
    }

    /**
     * Whether the search path is another now than when the answer was given: on a server that reports it, by value — a
     * path set for one transaction ({@code SET LOCAL}, {@code set_config(..., true)}, the usual tenant switch) is back
     * at its end, and the answer holds again (NEW-USER-26: one lookup after every such transaction); before
     * PostgreSQL 18, by the SET tags that may have changed it ({@link #searchPathSetUnreported}).
     */
    private boolean searchPathMoved() {
        return searchPathReported ? !searchPath.equals(searchPathAnswered) : searchPathChanges != searchPathChangesAnswered;
    }

    /**
     * A statement of the session, {@code current}, completed with {@code tag}: type DDL (and DDL of a table, view
     * or foreign table whose text names a looked-up type: its row type) moves the factory's epoch once the
     * transaction ends ({@link TypeChangingCommands}). A search path set on a server that does not report it is
     * {@link ServerReports}' to see ({@link #searchPathSetUnreported}). A {@code DISCARD ALL} forgets the answers kept
     * by search path ({@link SearchPathAnswers}): the application's way to start the session afresh.
     */
    void commandCompleted(String tag, Exchange current) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        if ("DISCARD ALL".equals(tag)) {
            answers.forget();
        }
        TypeChangingCommands.Change change = TypeChangingCommands.of(tag);
        if (change == null) {
            return;
        }
        switch (change) {
            case TYPES -> changedInTransaction = true;
            case ROW_TYPES -> changedInTransaction |= TypeChangingCommands.names(current.text(), names);
        }
    }

    /**
     * Before PostgreSQL 18: the search path may have changed, unreported, and no transaction is open now
     * ({@link ServerReports#readyForQuery}; a DISCARD ALL at its completion): a name may resolve to another type, and
     * the answer the session holds is stale.
     */
    void searchPathSetUnreported() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        searchPathChanges++;
    }

    /**
     * The server reported search_path {@code value} (ParameterStatus, PostgreSQL 18+: wherever it changed — SET,
     * set_config in a query, a function, a transaction's end that undid a local one): unless it is the path the
     * session's answer was given under, a name may resolve to another type now, and the answer is stale.
     */
    void searchPathChanged(String value) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        if (searchPathReported) {
            searchPath = value;
        }
    }

    /**
     * ReadyForQuery with {@code status}: when no transaction is open any more and a type-changing command
     * ran since the last time, the factory's answers are stale. Called before the exchange's own
     * completion, so that whoever waits for the DDL finds the epoch moved.
     */
    void readyForQuery(char status) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        if (status == 'I' && changedInTransaction) {
            changedInTransaction = false;
            epoch.advance();
        }
    }

    /**
     * Whether a submit now may come with a lookup ({@link #refreshBefore}, {@link #refreshAfter}): one waits for
     * a transaction to end, or none is queued and the factory's epoch moved. Checked on every submit: a field
     * read or two, and the epoch's volatile read for a session with names.
     */
    boolean mayQueueLookup() {
        return lookup == Lookup.AFTER_TRANSACTION_END || lookup == Lookup.NONE && stale();
    }

    /**
     * Queues {@code exchange} at the end of {@code fifo} with the lookup in front of it ({@link #refreshBefore}) or
     * behind it ({@link #refreshAfter}) when one is due, each waiting there for its turn as the head; when
     * {@link #mayQueueLookup()} said so. {@code transactionStatus}: the session's, from its last ReadyForQuery.
     */
    void queueWithLookup(Exchange exchange, ExchangeFifo fifo, char transactionStatus, String host) {
        Exchange before = refreshBefore(fifo.isEmpty(), transactionStatus, host);
        if (before != null) {
            fifo.addWaitingForItsTurn(before);
        }
        fifo.add(exchange);
        Exchange after = refreshAfter(exchange, host);
        if (after != null) {
            fifo.addWaitingForItsTurn(after);
        }
    }

    /**
     * The exchange to queue in front of one submitted now, or null: none when the session's answer is of the
     * current epoch, it has no names, a lookup is already queued or waits for a transaction to end. When
     * nothing is in flight and a transaction is open, none either: the next one goes behind a statement that
     * may end the transaction ({@link #refreshAfter}). Else the lookup waits behind what is in flight, holding
     * back what is submitted after it, for its turn as the head ({@link TypeOidRefresh}): it is not written
     * inside a transaction (REVIEW-11 F4: as a pipelined BEGIN's first query a following SET TRANSACTION fails
     * with 25001), and a connection with statements always in flight still gets to run it (session 12).
     */
    Exchange refreshBefore(boolean nothingInFlight, char transactionStatus, String host) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        if (lookup != Lookup.NONE || names.length == 0) {
            return null;
        }
        long now = epoch.current();
        if (now == knownEpoch && !searchPathMoved()) {
            return null;
        }
        if (nothingInFlight && transactionStatus != 'I') {
            lookup = Lookup.AFTER_TRANSACTION_END;
            return null;
        }
        lookup = Lookup.QUEUED;
        return new TypeOidRefresh(this, now, names, host);
    }

    /** The exchange to queue behind {@code submitted}, or null: a lookup, when one waits for a transaction to end and it may end it. */
    Exchange refreshAfter(Exchange submitted, String host) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        if (lookup != Lookup.AFTER_TRANSACTION_END || !submitted.mayEndTransaction()) {
            return null;
        }
        lookup = Lookup.QUEUED;
        return new TypeOidRefresh(this, epoch.current(), names, host);
    }

    /** The queued lookup found a transaction open at its turn and left unwritten. */
    void transactionOpenAtItsTurn() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lookup = Lookup.AFTER_TRANSACTION_END;
    }

    /**
     * The queued lookup found the answer current again at its turn (the search path back to the one it was given under,
     * the epoch unmoved) and left unwritten: none is queued now.
     */
    void currentAgainAtItsTurn() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lookup = Lookup.NONE;
    }

    /**
     * At the queued lookup's turn, with no transaction open and the answer stale: whether this session was answered
     * under the search path in force now, at the factory's current epoch ({@link SearchPathAnswers}, PostgreSQL 18+);
     * then the codecs are bound to that answer again, the answer is current, and the lookup leaves unwritten.
     */
    boolean answeredBeforeUnderThisPath() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        if (!searchPathReported) {
            return false;
        }
        long now = epoch.current();
        Map<String, Integer> known = answers.answer(searchPath, now);
        if (known == null) {
            return false;
        }
        knownEpoch = now;
        searchPathAnswered = searchPath;
        apply.accept(withLatestEnumArrays(known));
        return true;
    }

    /** {@code answer}'s enum array types. */
    private static Map<String, Integer> enumArrays(Map<String, Integer> answer) {
        Map<String, Integer> enums = new HashMap<>();
        answer.forEach((key, oid) -> {
            if (CodecRegistry.isEnumArrayKey(key)) {
                enums.put(key, oid);
            }
        });
        return enums;
    }

    /** A kept {@code answer} with the latest answer's enum array types in place of its own. */
    private Map<String, Integer> withLatestEnumArrays(Map<String, Integer> answer) {
        Map<String, Integer> merged = new HashMap<>(answer);
        merged.keySet().removeIf(CodecRegistry::isEnumArrayKey);
        merged.putAll(latestEnumArrays);
        return merged;
    }

    /** The lookup asked at {@code askedAt} answered: the session's codecs use it, and it is kept under its search path. */
    void refreshed(long askedAt, Map<String, Integer> oids) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lookup = Lookup.NONE;
        knownEpoch = askedAt;
        searchPathChangesAnswered = searchPathChanges; // every change before the lookup was answered before it
        searchPathAnswered = searchPath; // the path in force while it ran: it was written with nothing in flight
        if (searchPathReported) {
            answers.remember(searchPath, askedAt, oids);
        }
        latestEnumArrays = enumArrays(oids);
        apply.accept(oids);
    }

    /** How many search paths' answers this session keeps (tests). */
    int pathsAnswered() {
        return answers.size();
    }

    /** The lookup failed (or the session ended): the codecs stay; the next statement asks again. */
    void refreshFailed() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lookup = Lookup.NONE;
    }
}
