package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Format;
import io.pgconn.codec.PgConversionException;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.CommandResult;
import io.pgconn.query.PgStatement;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.Segment;
import io.pgconn.trace.StatementLayer;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/**
 * The {@link SessionPort} on the core's extended query path: parameters bound as typed values
 * (binary where a codec writes binary), rows streamed from the core's {@code Flow.Publisher} with
 * the subscriber's demand (no buffering, no operator chain here), decoded by the core's codecs when a
 * value is asked for.
 */
final class ExtendedQuerySession implements SessionPort {

    /** Descriptions remembered at most (a session rarely runs more distinct statements; the core caches 256 by default). */
    private static final int METADATA_LIMIT = 256;

    private final PgConnection connection;
    private final Map<RowMetadata, PgConnR2dbcRowMetadata> metadata = new ConcurrentHashMap<>();
    /** Reads in progress (statements, scripts, copies): subscribed, not yet completed, failed or cancelled. */
    final Set<ReadInProgress> reading = ConcurrentHashMap.newKeySet();

    ExtendedQuerySession(PgConnection connection) {
        this.connection = connection;
    }

    /**
     * Whether a value can be a parameter on this session: a class its connection's codecs write
     * ({@link PgConnection#codecs()}: the factory's registry, user codecs included, bound to the
     * named types found at connect); {@link IllegalArgumentException} otherwise, naming the class and
     * the reason (e.g. a named type not installed on this connection). The registry caches its
     * encoder per class, so this costs a lookup per bind. Not refused while the connection's type OIDs
     * are stale ({@link PgConnection#typeOidsStale()}: type DDL ran through the factory, e.g. a
     * {@code schema.sql} run through the pool): the core encodes the value once the connection looked
     * its types up again, and refuses it then if it still has no codec.
     */
    static void checkBindable(PgConnection connection, Object value) {
        try {
            connection.codecs().encoder(value);
        } catch (PgConversionException e) {
            if (!connection.typeOidsStale()) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    @Override
    public PgConnection connection() {
        return connection;
    }

    @Override
    public Publisher<ResultPart> execute(String sql, List<BoundValue> parameters, int fetchSize, Observer observer) {
        return subscriber -> {
            Flow.Publisher<Segment> segments;
            try {
                PgStatement statement = connection.statement(sql).fetchSize(fetchSize);
                bindAll(statement, parameters);
                segments = statement.execute();
            } catch (RuntimeException e) {
                observer.onError(e);
                Operators.error(subscriber, e);
                return;
            }
            segments.subscribe(new PartsSubscriber(subscriber, observer, this));
        };
    }

    @Override
    public Publisher<ResultPart> executeSets(String sql, List<List<BoundValue>> sets, Observer observer) {
        return subscriber -> {
            Flow.Publisher<Segment> segments;
            try {
                PgStatement statement = connection.statement(sql);
                for (int s = 0; s < sets.size(); s++) {
                    if (s > 0) {
                        statement.add();
                    }
                    bindAll(statement, sets.get(s));
                }
                segments = statement.execute();
            } catch (RuntimeException e) {
                observer.onError(e);
                Operators.error(subscriber, e);
                return;
            }
            segments.subscribe(new PartsSubscriber(subscriber, observer, this));
        };
    }

    private static void bindAll(PgStatement statement, List<BoundValue> parameters) {
        for (int i = 0; i < parameters.size(); i++) {
            BoundValue bound = parameters.get(i);
            if (bound.value() == null) {
                statement.bindNull(i, bound.type());
            } else {
                statement.bind(i, bound.value());
            }
        }
    }

    @Override
    public Publisher<ResultPart> runScript(List<String> statements, Observer observer) {
        return subscriber -> connection.script(statements).subscribe(new PartsSubscriber(subscriber, observer, this));
    }

    @Override
    public Publisher<Void> readsInProgressEnded(Duration grace, String cutBy) {
        return Mono.defer(() -> {
            List<ReadInProgress> now = List.copyOf(reading);
            if (now.isEmpty()) {
                return Mono.empty();
            }
            List<Mono<Void>> ends = new ArrayList<>();
            for (ReadInProgress read : now) {
                ends.add(Mono.fromFuture(read.ended, true)); // the wait given up on leaves the read alone
            }
            return Mono.when(ends).timeout(grace, Mono.fromRunnable(() -> {
                for (ReadInProgress read : now) { // a reader's own failure cannot stop the others': it hears it on the event loop
                    read.cutOff(new StatementCutOffException(read.what + " cut off by " + cutBy
                            + " on the connection to " + connection.host() + " (pid " + connection.processId()
                            + "): " + read.stalled + " within " + grace.toMillis() + " ms, so the "
                            + read.cancelled + " was cancelled for the " + cutBy + " to run"));
                }
            }));
        });
    }

    /**
     * The core's copyIn, a read in progress from subscription to its end: a rollback or the release waits the reads'
     * grace for it, then cuts it off — its future cancelled (CopyFail, the server rolls the COPY back) — (REVIEW-20 Y5).
     */
    @Override
    public Publisher<Long> copyIn(String sql, Publisher<ByteBuffer> data) {
        return Mono.create(sink -> new CopyInRead(this, sink).start(connection.copyIn(sql, JdkFlowAdapter.publisherToFlowPublisher(data))));
    }

    /**
     * The core's copyOut, its chunks straight to the reader with its demand, a read in progress from subscription to
     * its end: cut off as a statement's read is (the subscription cancelled: a CancelRequest, the rest read past).
     */
    @Override
    public Publisher<ByteBuffer> copyOut(String sql) {
        return subscriber -> connection.copyOut(sql).subscribe(new CopyOutRead(subscriber, this));
    }

    @Override
    public boolean readsInProgress() {
        return !reading.isEmpty();
    }

    /** Control SQL (BEGIN, SET, SAVEPOINT ...) on the simple query protocol: several statements in one round trip. */
    @Override
    public Publisher<ResultPart> executeScript(String sql, Observer observer) {
        return CoreFutures.untilDone(() -> connection.simpleQuery(sql))
                .<ResultPart>map(result -> ResultPart.Completion.of(result.commandTag()))
                .doOnNext(part -> observer.onCompletion((ResultPart.Completion) part))
                .doOnSuccess(part -> observer.onEnd())
                .doOnError(observer::onError);
    }

    @Override
    public Publisher<ResultPart> commit(Observer observer) {
        return CoreFutures.untilDone(connection::commit)
                .then(Mono.<ResultPart>fromSupplier(() -> ResultPart.Completion.of("COMMIT")))
                .doOnNext(part -> observer.onCompletion((ResultPart.Completion) part))
                .doOnSuccess(part -> observer.onEnd())
                .doOnError(observer::onError);
    }

    @Override
    public Publisher<ResultPart> rollback(Observer observer) {
        return CoreFutures.untilDone(connection::rollback)
                .then(Mono.<ResultPart>fromSupplier(() -> ResultPart.Completion.of("ROLLBACK")))
                .doOnNext(part -> observer.onCompletion((ResultPart.Completion) part))
                .doOnSuccess(part -> observer.onEnd())
                .doOnError(observer::onError);
    }

    /**
     * The R2DBC metadata of a core description. The core keeps one {@link RowMetadata} per cached
     * prepared statement, so this builds it once per statement rather than once per execution — and again when
     * the connection's codecs were rebound since (a type found later, e.g. {@code CREATE EXTENSION hstore} after the
     * statement was prepared, changes the class its columns read as while the description stays the same).
     */
    PgConnR2dbcRowMetadata metadataOf(RowMetadata description) {
        PgConnR2dbcRowMetadata known = metadata.get(description);
        CodecRegistry codecs = connection.codecs();
        if (known == null || known.codecs() != codecs) {
            if (metadata.size() >= METADATA_LIMIT) {
                metadata.clear(); // uncached statements bring a new description each time: stay bounded
            }
            List<RowData.ColumnInfo> infos = new ArrayList<>(description.size());
            for (ColumnMetadata column : description.columns()) {
                int oid = column.typeOid();
                infos.add(new RowData.ColumnInfo(column.name(), oid, column.typeModifier(),
                        codecs.javaType(oid, Format.ofCode(column.format())), codecs.knows(oid) ? codecs.typeName(oid) : "unknown"));
            }
            known = new PgConnR2dbcRowMetadata(infos, codecs);
            metadata.put(description, known);
        }
        return known;
    }

    /**
     * Core segments to parts, straight from the core's publisher to the reader (one subscriber, no
     * operator chain): rows with their R2DBC metadata, completions; row descriptions are absorbed
     * (and their demand given back). Demand and cancellation pass through unchanged.
     */
    private static final class PartsSubscriber extends ReadInProgress.Relayed<Segment, ResultPart> implements StatementLayer {
        private final Observer observer;
        private final ExtendedQuerySession session;
        private RowMetadata description;
        private PgConnR2dbcRowMetadata columns;
        private volatile boolean unbounded;

        /** The core's statement events name R2DBC statements so (docs/query.md §8, starter.md §4). */
        @Override
        public String statementLayer() {
            return "r2dbc";
        }

        PartsSubscriber(Subscriber<? super ResultPart> downstream, Observer observer, ExtendedQuerySession session) {
            super(session, "statement read", READER_STALLED, "statement", downstream);
            this.observer = observer;
            this.session = session;
        }

        @Override
        public void onNext(Segment segment) {
            if (segment instanceof Row row) {
                if (row.metadata() != description) {
                    description = row.metadata();
                    columns = session.metadataOf(description);
                }
                downstream.onNext(new ResultPart.RowPart(new CoreRow(row, columns)));
            } else if (segment instanceof CommandResult done) {
                ResultPart.Completion completion = new ResultPart.Completion(done.commandTag(), done.rowCount().orElse(-1));
                observer.onCompletion(completion);
                downstream.onNext(completion);
            } else {
                if (!unbounded) {
                    upstream.request(1); // a description is not passed on: its demand goes back
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            if (upstreamEnded()) { // else cut off
                observer.onError(error);
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (upstreamEnded()) { // else cut off
                observer.onEnd();
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            if (n == Long.MAX_VALUE) {
                unbounded = true;
            }
            upstream.request(n);
        }
    }

    /** A copyOut's chunks to its reader: demand and cancel pass through unchanged. */
    private static final class CopyOutRead extends ReadInProgress.Relayed<ByteBuffer, ByteBuffer> {

        CopyOutRead(Subscriber<? super ByteBuffer> downstream, ExtendedQuerySession session) {
            super(session, "COPY TO STDOUT", READER_STALLED, "COPY", downstream);
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            downstream.onNext(chunk);
        }

        @Override
        public void onError(Throwable error) {
            if (upstreamEnded()) { // else cut off
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (upstreamEnded()) { // else cut off
                downstream.onComplete();
            }
        }
    }

    /** A copyIn's outcome to its Mono; cancelling the Mono cancels the core's future (CopyFail). */
    private static final class CopyInRead extends ReadInProgress {
        private final MonoSink<Long> sink;
        private CompletableFuture<Long> copy;

        CopyInRead(ExtendedQuerySession session, MonoSink<Long> sink) {
            super(session, "COPY FROM STDIN", "its data had neither ended nor failed", "COPY");
            this.sink = sink;
        }

        void start(CompletableFuture<Long> copy) {
            this.copy = copy;
            started();
            sink.onCancel(() -> {
                terminate(); // the Mono is cancelled: the copy's end is not signalled to it (nor dropped by Reactor)
                readerCancelled();
            });
            copy.whenComplete((rows, failure) -> {
                if (failure instanceof CancellationException && cutOffAsked()) {
                    return; // the cut-off's own cancel: its error follows
                }
                if (upstreamEnded()) {
                    if (failure == null) {
                        sink.success(rows);
                    } else {
                        sink.error(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
                    }
                }
            });
        }

        @Override
        void cancelUpstream() {
            copy.cancel(false);
        }

        @Override
        void signalError(Throwable error) {
            sink.error(error);
        }
    }

    /** A core row read the R2DBC way: bytea is a ByteBuffer and json a String by default, Blob and Clob on request. */
    private record CoreRow(Row row, PgConnR2dbcRowMetadata metadata) implements RowData {

        @Override
        public <T> T get(int index, Class<T> type) {
            try {
                if (type == Blob.class) {
                    byte[] bytes = row.get(index, byte[].class);
                    return bytes == null ? null : type.cast(Blob.from(Mono.fromSupplier(() -> ByteBuffer.wrap(bytes))));
                }
                if (type == Clob.class) {
                    String text = row.get(index, String.class);
                    return text == null ? null : type.cast(Clob.from(Mono.just(text)));
                }
                if (type == Object.class) {
                    // the Java type the column metadata announces, so values and metadata agree;
                    // types the table does not know keep the core's default
                    Class<?> announced = metadata.readType(index);
                    if (announced != null) {
                        return type.cast(row.get(index, announced));
                    }
                }
                return row.get(index, type);
            } catch (PgConversionException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
