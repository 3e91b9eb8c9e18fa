package io.pgconn.r2dbc;

import io.pgconn.PgClosedException;
import io.r2dbc.spi.Result;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The results of a script (several statements without parameters, or a {@code Batch}) or of one statement with
 * several parameter sets ({@code Statement.add()}): the parts, one stream from the session under one Sync
 * ({@code PgConnection.script}, or the core's {@code PgStatement.add()}), split at each completion into one
 * {@link Result} per statement (per parameter set; "statement" below). Subscribing to {@link #publisher()} runs the
 * script; it runs to its end once subscribed, as PostgreSQL runs a script sent in one Query.
 *
 * <p>Result {@code i + 1} is handed out once statement {@code i} has completed, so after an error the
 * failing statement's result signals it and no further results come (as on r2dbc-postgresql).
 * Parts are read from the session with demand: for the statement whose result is being read, as
 * its reader asks; ahead of it, up to {@link #READ_AHEAD} parts (so results of statements without
 * rows, or with few, are handed out without waiting for anyone). When the reader of results asks for
 * the next result while nobody reads this one (and no earlier result is still being read, whose end
 * would let its reader come, as {@code concatMap} does), this one is <em>skipped</em>: the rest of
 * the statement is read and its rows dropped, not kept (a statement's rows can be any number; the
 * heap holds at most {@link #READ_AHEAD} parts per result), and its reader, if one comes, gets a
 * {@link ResultPart.Dropped} first: reading its rows fails, its update count still comes. Results the reader never got (it
 * cancelled the publisher of results, as {@code Mono.from} does after the first) are run and
 * discarded in order; a result it got but never reads is discarded at the connection's next
 * operation, like any unread result.
 *
 * <p>Parts arrive on the session's event loop while readers ask from their own threads: every state
 * change happens in {@link #drain()}, which one thread runs at a time.
 */
final class ScriptResults implements Subscriber<ResultPart> {

    /** Parts read ahead of any reader's demand. */
    static final int READ_AHEAD = 32;

    /** The reader of one statement's result. */
    private static final class Slot implements Subscription {
        private final ScriptResults script;
        volatile Subscriber<? super ResultPart> reader;
        final AtomicLong requested = new AtomicLong();
        /** The reader cancelled: the rest of the statement is read and dropped. */
        volatile boolean discarding;
        /** A request of no or negative demand, for the drain to signal (Reactive Streams §3.9); discarding after it. */
        volatile IllegalArgumentException refusedDemand;
        // drain only
        /** Parts of the statement not handed to its reader yet. */
        final ArrayDeque<ResultPart> kept = new ArrayDeque<>();
        /** Its completion (or error) is in: nothing more arrives for it. */
        boolean ended;
        Throwable error;
        /**
         * The statement was cut off ({@link StatementCutOffException}) or its session ended under it (a
         * {@link PgClosedException}: closed by a release that could not clean it up, by the starter for an unresponsive
         * host, by the server; also a server error the session's loss followed, {@code PgFailedThenClosedException}): its
         * reader hears it at once, kept rows dropped — a reader that asks for nothing would otherwise never learn of it.
         */
        boolean cutOff;
        /** Its reader has had the end, or it was discarded to its end. */
        boolean done;
        /** The next result was asked for before anyone read this one: its rows are dropped as they come. */
        boolean skipped;
        /** Rows dropped while skipped. */
        long dropped;
        /** Its reader has had the {@link ResultPart.Dropped}. */
        boolean droppedTold;
        /** Its reader has had {@link #refusedDemand}. */
        boolean refusalTold;

        Slot(ScriptResults script) {
            this.script = script;
        }

        @Override
        public void request(long n) {
            if (discarding || refusedDemand != null) {
                return; // cancelled, or already refused (§3.6)
            }
            if (n <= 0) {
                // §3.9: the reader gets an IllegalArgumentException, from the drain (which alone signals
                // the reader); the statement is then read and dropped as after a cancel
                refusedDemand = new IllegalArgumentException("request(" + n
                        + "): demand must be positive (Reactive Streams §3.9)");
                script.drain();
                return;
            }
            requested.getAndAccumulate(n, (current, more) -> current + more < 0 ? Long.MAX_VALUE : current + more);
            script.drain();
        }

        @Override
        public void cancel() {
            discarding = true;
            script.drain();
        }
    }

    private final Publisher<ResultPart> parts;
    private final Consumer<PgConnR2dbcResult> handedOut;
    private final int statements;
    private final Queue<ResultPart> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    /** Parts asked of the session and not yet arrived. */
    private final AtomicLong outstanding = new AtomicLong();
    private volatile Subscription upstream;
    private volatile boolean ended;
    private volatile Throwable failure;
    private volatile FluxSink<Result> sink;
    private volatile boolean resultsCancelled;
    // drain only
    private int current;
    private Slot slot;
    private boolean finished;
    /** Results handed out whose reader has not had everything yet. */
    private final List<Slot> open = new ArrayList<>();

    /**
     * @param parts      the script's parts, a completion after each statement's rows; subscribed once
     * @param statements how many statements the script holds
     * @param handedOut  sees every result handed to the reader (the connection discards it if it is never read)
     */
    ScriptResults(Publisher<ResultPart> parts, int statements, Consumer<PgConnR2dbcResult> handedOut) {
        this.parts = parts;
        this.statements = statements;
        this.handedOut = handedOut;
    }

    /** The results in script order; subscribing runs the script (once). */
    Flux<Result> publisher() {
        return Flux.create(results -> {
            sink = results;
            results.onRequest(n -> drain());
            results.onCancel(() -> {
                resultsCancelled = true;
                drain();
            });
            parts.subscribe(this);
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        upstream = subscription;
        drain();
    }

    @Override
    public void onNext(ResultPart part) {
        outstanding.decrementAndGet();
        arrived.offer(part);
        drain();
    }

    @Override
    public void onError(Throwable error) {
        failure = error;
        ended = true;
        drain();
    }

    @Override
    public void onComplete() {
        ended = true;
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            step();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void step() {
        FluxSink<Result> results = sink;
        if (results == null) {
            return;
        }
        if (!finished) {
            if (slot == null && current < statements) {
                handOut(results);
            }
            // arrived parts to the statement they belong to; a completion moves on to the next
            ResultPart part;
            while (slot != null && (part = arrived.poll()) != null) {
                if (slot.skipped && part instanceof ResultPart.RowPart) {
                    slot.dropped++;
                    continue;
                }
                slot.kept.add(part);
                if (part instanceof ResultPart.Completion) {
                    slot.ended = true;
                    slot = null;
                    current++;
                    if (current < statements) {
                        handOut(results);
                    }
                }
            }
            if (ended && arrived.isEmpty()) {
                finished = true;
                if (slot != null) { // the failing statement: its reader gets the error after its rows (a cut-off or a session end at once)
                    slot.error = failure != null ? failure : new IllegalStateException("the script ended before statement "
                            + (current + 1) + " of " + statements + " completed");
                    slot.cutOff = failure instanceof StatementCutOffException || failure instanceof PgClosedException;
                    slot.ended = true;
                    slot = null;
                    results.complete(); // no results after the failing one
                } else if (failure != null) {
                    // every statement completed, and then the script failed: at its commit (a deferred
                    // constraint, a serialization failure) or with the connection lost before its
                    // ReadyForQuery; nothing was committed, and the reader of the results must hear it
                    results.error(R2dbcErrors.translate(failure));
                } else {
                    results.complete();
                }
            }
        }
        for (Iterator<Slot> it = open.iterator(); it.hasNext(); ) {
            Slot each = it.next();
            serve(each);
            if (each.done) {
                it.remove();
            }
        }
        Subscription session = upstream;
        Slot reading = slot;
        if (finished || session == null || reading == null) {
            return;
        }
        if (reading.reader == null && !reading.skipped && !reading.discarding && reading.kept.size() >= READ_AHEAD
                && results.requestedFromDownstream() > 0 && !anEarlierResultIsBeingRead(reading)) {
            skip(reading);
        }
        // read ahead a little; more while the statement's reader asks for more, or while its rows are
        // dropped (skipped, or its reader cancelled)
        boolean wanted = reading.discarding || reading.skipped || reading.kept.size() < READ_AHEAD
                || (reading.reader != null && reading.requested.get() > reading.kept.size());
        long asked = outstanding.get();
        if (wanted && asked < READ_AHEAD / 2) {
            outstanding.addAndGet(READ_AHEAD - asked);
            session.request(READ_AHEAD - asked);
        }
    }

    /** Whether a result before {@code current} has a reader that has not had its end (its end brings the next reader, as in concatMap). */
    private boolean anEarlierResultIsBeingRead(Slot current) {
        for (Slot each : open) {
            if (each != current && each.reader != null && !each.done && !each.discarding) {
                return true;
            }
        }
        return false;
    }

    /** From now on {@code slot}'s rows are dropped, those kept so far too (only rows are kept before its completion). */
    private static void skip(Slot slot) {
        slot.skipped = true;
        slot.dropped += slot.kept.size();
        slot.kept.clear();
    }

    /** Hands a statement's kept parts to its reader as far as it asks; then its end, or its error. */
    private static void serve(Slot slot) {
        IllegalArgumentException refused = slot.refusedDemand;
        if (refused != null && !slot.refusalTold && slot.reader != null) {
            slot.refusalTold = true;
            slot.discarding = true; // nothing more reaches the reader: the rest of the statement is dropped
            slot.reader.onError(refused);
        }
        if (slot.cutOff && !slot.done && !slot.discarding && slot.reader != null) {
            // a reader that asks for nothing still hears the cut-off (AUDIT-14 M1) or its session's end, as a
            // statement's reader does
            slot.done = true;
            slot.kept.clear();
            slot.reader.onError(slot.error);
            return;
        }
        if (slot.skipped && !slot.droppedTold && !slot.discarding) {
            Subscriber<? super ResultPart> reader = slot.reader;
            if (reader == null || slot.requested.get() == 0) {
                return;
            }
            slot.droppedTold = true;
            if (slot.requested.get() != Long.MAX_VALUE) {
                slot.requested.decrementAndGet();
            }
            reader.onNext(new ResultPart.Dropped(slot.dropped));
        }
        while (!slot.kept.isEmpty()) {
            if (slot.discarding) {
                slot.kept.clear();
                break;
            }
            Subscriber<? super ResultPart> reader = slot.reader;
            if (reader == null || slot.requested.get() == 0) {
                return;
            }
            ResultPart part = slot.kept.poll();
            if (slot.requested.get() != Long.MAX_VALUE) {
                slot.requested.decrementAndGet();
            }
            reader.onNext(part);
            if (part instanceof ResultPart.Completion) {
                if (!slot.discarding) {
                    reader.onComplete();
                }
                slot.done = true;
                return;
            }
        }
        if (slot.ended) {
            if (slot.discarding) {
                slot.done = true;
            } else if (slot.error != null && slot.reader != null) {
                slot.done = true;
                slot.reader.onError(slot.error);
            }
        }
    }

    /** Result {@code current} to the reader of results, or straight to discarding when the reader is gone. */
    private void handOut(FluxSink<Result> results) {
        Slot next = new Slot(this);
        slot = next;
        open.add(next);
        PgConnR2dbcResult result = new PgConnR2dbcResult(reader -> {
            next.reader = reader;
            reader.onSubscribe(next);
            drain();
        });
        if (resultsCancelled) {
            next.discarding = true; // nobody can get it any more
            return;
        }
        handedOut.accept(result);
        results.next(result);
    }
}
