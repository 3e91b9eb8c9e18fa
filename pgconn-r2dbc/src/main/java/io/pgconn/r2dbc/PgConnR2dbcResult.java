package io.pgconn.r2dbc;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The outcome of one statement: its rows and its update count, as R2DBC segments, streamed from
 * the session with the consumer's demand. A result is read once; one that is never read is drained
 * by its connection before the connection's next operation, so the session never waits on it.
 * {@link #map} (what Spring's DatabaseClient reads with) maps the session's parts in one subscriber, and
 * {@link #getRowsUpdated} sums their counts in one; the other ways of reading, and a filtered result's, go
 * through Reactor operators.
 */
final class PgConnR2dbcResult implements Result {

    private final Publisher<ResultPart> parts;
    private final Predicate<Segment> filter;
    private final AtomicBoolean subscribed;

    PgConnR2dbcResult(Publisher<ResultPart> parts) {
        this(parts, null, new AtomicBoolean());
    }

    /** {@code filter} null: every segment. */
    private PgConnR2dbcResult(Publisher<ResultPart> parts, Predicate<Segment> filter, AtomicBoolean subscribed) {
        this.parts = parts;
        this.filter = filter;
        this.subscribed = subscribed;
    }

    /** Whether nobody has started to read the result (nor drained it). */
    boolean unread() {
        return !subscribed.get();
    }

    /** Reads and discards the result if nobody has started to read it. */
    void drainIfUnread() {
        if (!subscribed.get() && subscribed.compareAndSet(false, true)) {
            Flux.from(parts).subscribe(part -> { }, error -> { });
        }
    }

    /** Like {@link #drainIfUnread()}, completing when the result is read (at once if someone else reads it). */
    Mono<Void> drainedIfUnread() {
        if (!subscribed.compareAndSet(false, true)) {
            return Mono.empty();
        }
        return Flux.from(parts).onErrorResume(error -> Mono.empty()).then();
    }

    /** {@code rowsWanted}: rows dropped unread ({@link ResultPart.Dropped}) fail the read; otherwise they are passed over. */
    private Flux<Segment> segments(boolean rowsWanted) {
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                return Flux.error(alreadyRead());
            }
            return Flux.from(parts).<Segment>handle((part, sink) -> {
                if (part instanceof ResultPart.Dropped dropped) {
                    if (rowsWanted) {
                        sink.error(dropped.error());
                    }
                    return;
                }
                Segment segment = segmentOf(part);
                if (segment != null && (filter == null || filter.test(segment))) {
                    sink.next(segment);
                }
            }).onErrorMap(R2dbcErrors::translate);
        });
    }

    private static IllegalStateException alreadyRead() {
        return new IllegalStateException("this result has already been read (a result can be read once)");
    }

    /**
     * The sum of the statement's update counts, empty when its completion carries none. Unfiltered (what Spring's
     * DatabaseClient asks for an UPDATE's {@code rowsUpdated()}) in one subscriber on the session's parts
     * ({@link RowsUpdated}); filtered through the segments.
     */
    @Override
    public Mono<Long> getRowsUpdated() {
        if (filter == null) {
            return new RowsUpdated(this);
        }
        return segments(false).ofType(UpdateCount.class).map(UpdateCount::value).reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        if (filter != null) {
            return segments(true).ofType(RowSegment.class).map(segment -> {
                Row row = segment.row();
                return mappingFunction.apply(row, row.getMetadata());
            });
        }
        return new MappedRows<>(this, row -> mappingFunction.apply(row, row.getMetadata()));
    }

    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        if (filter != null) {
            return segments(true).ofType(RowSegment.class).map(segment -> mappingFunction.apply(segment.row()));
        }
        return new MappedRows<>(this, mappingFunction::apply);
    }

    @Override
    public Result filter(Predicate<Segment> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new PgConnR2dbcResult(parts, filter == null ? predicate : filter.and(predicate), subscribed);
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return segments(true).concatMap(mappingFunction);
    }

    /** A part as an R2DBC segment: a row, or the update count a completion carries (none: null). */
    private static Segment segmentOf(ResultPart part) {
        if (part instanceof ResultPart.RowPart rowPart) {
            PgConnR2dbcRow row = new PgConnR2dbcRow(rowPart.row());
            return (RowSegment) () -> row;
        }
        ResultPart.Completion completion = (ResultPart.Completion) part;
        if (completion.rows() < 0) {
            return null;
        }
        long rows = completion.rows();
        return (UpdateCount) () -> rows;
    }

    /**
     * The rows of a result through the reader's function, in one subscriber on the session's parts
     * (what Reactor's defer, handle, ofType, map and onErrorMap did, without their subscription
     * chain per statement). Completions are not passed on; their demand goes back upstream.
     */
    private static final class MappedRows<T> extends Flux<T> {
        private final PgConnR2dbcResult result;
        private final Function<PgConnR2dbcRow, ? extends T> mapper;

        MappedRows(PgConnR2dbcResult result, Function<PgConnR2dbcRow, ? extends T> mapper) {
            this.result = result;
            this.mapper = mapper;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            if (!result.subscribed.compareAndSet(false, true)) {
                Operators.error(actual, alreadyRead());
                return;
            }
            result.parts.subscribe(new MappingSubscriber<>(actual, mapper));
        }
    }

    /**
     * The update counts of a result summed in one subscriber on the session's parts — what {@code segments(false)},
     * {@code ofType}, {@code map}, {@code reduce} and {@code onErrorMap} did, without their five operators and
     * subscribers per statement: rows are passed over unread (no row objects), dropped rows too (only the count is
     * asked for), every part is asked for at once, and the sum waits for the reader's request.
     */
    private static final class RowsUpdated extends Mono<Long> {
        private final PgConnR2dbcResult result;

        RowsUpdated(PgConnR2dbcResult result) {
            this.result = result;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Long> actual) {
            if (!result.subscribed.compareAndSet(false, true)) {
                Operators.error(actual, alreadyRead());
                return;
            }
            result.parts.subscribe(new SummingSubscriber(actual));
        }
    }

    /** Sums completions' row counts (-1: none); the reader's request and the end may come in either order ({@link Operators.MonoSubscriber}). */
    private static final class SummingSubscriber extends Operators.MonoSubscriber<ResultPart, Long> {
        private Subscription upstream;
        private long sum;
        private boolean counted;
        private boolean done;

        SummingSubscriber(CoreSubscriber<? super Long> actual) {
            super(actual);
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                actual.onSubscribe(this);
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(ResultPart part) {
            if (!done && part instanceof ResultPart.Completion completion && completion.rows() >= 0) {
                sum += completion.rows();
                counted = true;
            }
        }

        @Override
        public void onError(Throwable error) {
            if (done) {
                return;
            }
            done = true;
            actual.onError(R2dbcErrors.translate(error));
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            if (counted) {
                complete(sum);
            } else {
                actual.onComplete();
            }
        }

        @Override
        public void cancel() {
            super.cancel();
            upstream.cancel();
        }
    }

    /**
     * Unbounded demand (Spring's readers ask for all rows) passes straight through. Under bounded
     * demand the core would hold the statement's completion until more is asked for (it is a segment
     * like a row), so a reader that asks for exactly the rows there are would never see the end: this
     * asks the core for one part more than the reader, and queues the mapped rows the reader has not
     * taken yet. Rows arrive on the session's event loop while the reader asks from its own thread
     * (WebFlux writing NDJSON, {@code publishOn}): a row can arrive before the previous one was handed
     * on, so they wait in a queue, never in a single slot that the next row would overwrite.
     */
    private static final class MappingSubscriber<T> implements CoreSubscriber<ResultPart>, Subscription {
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<MappingSubscriber> STARTED =
                AtomicIntegerFieldUpdater.newUpdater(MappingSubscriber.class, "started");
        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<MappingSubscriber> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(MappingSubscriber.class, "requested");
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<MappingSubscriber> WIP =
                AtomicIntegerFieldUpdater.newUpdater(MappingSubscriber.class, "wip");

        private final CoreSubscriber<? super T> actual;
        private final Function<PgConnR2dbcRow, ? extends T> mapper;
        private Subscription upstream;
        private volatile int started;
        private volatile boolean unbounded;
        /** Upstream has terminated or the mapping failed (set on the thread that delivers parts). */
        private boolean done;
        // bounded demand only (field updaters, and the queue made on the first bounded request: no objects
        // per statement on the unbounded path)
        private volatile long requested;
        private volatile int wip;
        /** Mapped rows not handed on yet: one producer (the parts, serial), one consumer (the drain loop). */
        private volatile Queue<T> ready;
        private volatile boolean terminated;
        private volatile Throwable failure;
        private volatile boolean cancelled;
        /** The reader has had its end (drain loop only). */
        private boolean signalled;

        MappingSubscriber(CoreSubscriber<? super T> actual, Function<PgConnR2dbcRow, ? extends T> mapper) {
            this.actual = actual;
            this.mapper = mapper;
        }

        @Override
        public reactor.util.context.Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(ResultPart part) {
            if (done || cancelled) {
                return; // parts in flight when the reader cancelled are not mapped, and nothing holds them
            }
            if (part instanceof ResultPart.RowPart row) {
                T value;
                try {
                    value = Objects.requireNonNull(mapper.apply(new PgConnR2dbcRow(row.row())),
                            "the mapping function returned null");
                } catch (Throwable error) {
                    upstream.cancel();
                    terminate(Operators.onOperatorError(error, actual.currentContext()));
                    return;
                }
                if (unbounded) {
                    actual.onNext(value);
                } else {
                    ready.offer(value);
                    drain();
                }
            } else if (part instanceof ResultPart.Dropped dropped) {
                upstream.cancel(); // the rest of the statement is dropped too
                terminate(dropped.error());
            } else if (!unbounded) {
                upstream.request(1); // a completion is not passed on: its demand goes back
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!done) {
                terminate(R2dbcErrors.translate(error));
            }
        }

        @Override
        public void onComplete() {
            if (!done) {
                terminate(null);
            }
        }

        private void terminate(Throwable error) {
            done = true;
            if (cancelled) {
                return;
            }
            if (unbounded) {
                if (error == null) {
                    actual.onComplete();
                } else {
                    actual.onError(error);
                }
                return;
            }
            failure = error;
            terminated = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                upstream.request(n); // the core answers a bad n with onError (Reactive Streams §3.9)
                return;
            }
            if (STARTED.compareAndSet(this, 0, 1)) {
                if (n == Long.MAX_VALUE) {
                    unbounded = true;
                    upstream.request(n);
                    return;
                }
                ready = Queues.<T>unbounded(Queues.XS_BUFFER_SIZE).get();
                REQUESTED.set(this, n);
                upstream.request(n + 1); // the look-ahead part
            } else {
                if (unbounded) {
                    return;
                }
                REQUESTED.getAndAccumulate(this, n, (current, more) -> current + more < 0 ? Long.MAX_VALUE : current + more);
                upstream.request(n);
            }
            drain();
        }

        /**
         * Stops the session's parts and lets go of the rows queued for the reader: the drain clears the
         * queue (now, or when the drain running on another thread loops), and every drain after this
         * one clears what came in flight; the work-in-progress count always comes back down, so no
         * later signal is left behind a drain that will never run.
         */
        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            upstream.cancel();
            if (!unbounded) {
                drain();
            }
        }

        /** Bounded demand: hands queued rows on as they are asked for, then the end; serialized (request and parts race). */
        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                Queue<T> queue = ready; // null until the first bounded request: then no row came yet
                if (cancelled || signalled) { // nothing is handed on any more: let go of what is queued
                    if (queue != null) {
                        queue.clear();
                    }
                } else {
                    boolean ended = terminated; // read before the queue: every row is queued before the end is set
                    Throwable error = failure;
                    if (ended && error != null) {
                        if (queue != null) {
                            queue.clear(); // like the core: an error is not held back behind rows nobody asked for
                        }
                        signalled = true;
                        actual.onError(error);
                        continue;
                    }
                    if (queue != null && requested > 0) {
                        T value = queue.poll();
                        if (value != null) {
                            if (requested != Long.MAX_VALUE) {
                                REQUESTED.decrementAndGet(this);
                            }
                            actual.onNext(value);
                            continue;
                        }
                    }
                    if (ended && (queue == null || queue.isEmpty())) {
                        signalled = true;
                        actual.onComplete();
                        continue;
                    }
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
