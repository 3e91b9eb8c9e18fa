package io.pgconn.r2dbc;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The outcome of one statement: its rows and its update count, as R2DBC segments, streamed from
 * the session with the consumer's demand. A result is read once; one that is never read is drained
 * by its connection before the connection's next operation, so the session never waits on it.
 */
final class PgConnR2dbcResult implements Result {

    private final Flux<ResultPart> parts;
    private final Predicate<Segment> filter;
    private final AtomicBoolean subscribed;

    PgConnR2dbcResult(Flux<ResultPart> parts) {
        this(parts, segment -> true, new AtomicBoolean());
    }

    private PgConnR2dbcResult(Flux<ResultPart> parts, Predicate<Segment> filter, AtomicBoolean subscribed) {
        this.parts = parts;
        this.filter = filter;
        this.subscribed = subscribed;
    }

    /** Reads and discards the result if nobody has started to read it. */
    Mono<Void> drainIfUnread() {
        if (!subscribed.compareAndSet(false, true)) {
            return Mono.empty();
        }
        return parts.onErrorResume(error -> Mono.empty()).then();
    }

    private Flux<Segment> segments() {
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("this result has already been read (a result can be read once)"));
            }
            SegmentMapper mapper = new SegmentMapper();
            return parts.<Segment>handle((part, sink) -> {
                Segment segment = mapper.apply(part);
                if (segment != null && filter.test(segment)) {
                    sink.next(segment);
                }
            }).onErrorMap(R2dbcErrors::translate);
        });
    }

    @Override
    public Mono<Long> getRowsUpdated() {
        return segments().ofType(UpdateCount.class).map(UpdateCount::value).reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return segments().ofType(RowSegment.class).map(segment -> {
            Row row = segment.row();
            return mappingFunction.apply(row, row.getMetadata());
        });
    }

    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return segments().ofType(RowSegment.class).map(segment -> mappingFunction.apply(segment.row()));
    }

    @Override
    public Result filter(Predicate<Segment> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new PgConnR2dbcResult(parts, filter.and(predicate), subscribed);
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return segments().concatMap(mappingFunction);
    }

    /** Turns parts into segments, building the row metadata once per statement. */
    private static final class SegmentMapper implements Function<ResultPart, Segment> {
        private PgConnR2dbcRowMetadata metadata;

        @Override
        public Segment apply(ResultPart part) {
            if (part instanceof ResultPart.RowPart rowPart) {
                RowData data = rowPart.row();
                if (metadata == null || !metadata.describes(data.columns())) {
                    metadata = new PgConnR2dbcRowMetadata(data.columns());
                }
                PgConnR2dbcRow row = new PgConnR2dbcRow(data, metadata);
                return (RowSegment) () -> row;
            }
            ResultPart.Completion completion = (ResultPart.Completion) part;
            if (completion.rows() < 0) {
                return null;
            }
            long rows = completion.rows();
            return (UpdateCount) () -> rows;
        }
    }
}
