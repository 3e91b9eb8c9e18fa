package io.pgconn.r2dbc;

import io.r2dbc.spi.Result;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ScriptResults} over a script whose parts are made on demand (as the session delivers them):
 * what the results keep in memory when the reader of results moves on without reading a result.
 */
class ScriptResultsTest {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** Statements of {@code rows[i]} rows each, every part made when asked for; every 1,000th row of the first watched. */
    private static final class Parts implements Publisher<ResultPart> {
        private final int[] rows;
        final List<WeakReference<RowData>> watched = new ArrayList<>();
        private Subscriber<? super ResultPart> subscriber;
        private long requested;
        private boolean emitting;
        private int statement;
        private int row;

        Parts(int... rows) {
            this.rows = rows;
        }

        @Override
        public void subscribe(Subscriber<? super ResultPart> s) {
            subscriber = s;
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    requested += n;
                    emit();
                }

                @Override
                public void cancel() {
                }
            });
        }

        private void emit() {
            if (emitting) {
                return;
            }
            emitting = true;
            while (requested > 0 && statement < rows.length) {
                requested--;
                if (row < rows[statement]) {
                    RowData data = new Row(row);
                    if (statement == 0 && row % 1000 == 0) {
                        watched.add(new WeakReference<>(data));
                    }
                    row++;
                    subscriber.onNext(new ResultPart.RowPart(data));
                } else {
                    subscriber.onNext(new ResultPart.Completion("SELECT " + row, row));
                    statement++;
                    row = 0;
                    if (statement == rows.length) {
                        subscriber.onComplete();
                    }
                }
            }
            emitting = false;
        }
    }

    /** A row with some weight (the reader's functions here never read its values). */
    private record Row(int value, byte[] weight) implements RowData {
        Row(int value) {
            this(value, new byte[256]);
        }

        @Override
        public PgConnR2dbcRowMetadata metadata() {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T get(int index, Class<T> type) {
            return type.cast(value);
        }
    }

    /**
     * The reader of results collects them all before reading any (collectList): the first statement's
     * 200,000 rows are read and dropped, not kept for a reader that may never come (they all were).
     */
    @Test
    void aResultSkippedByTheReaderOfResultsHoldsNoneOfItsRows() {
        Parts parts = new Parts(200_000, 3);
        List<Result> results = new ScriptResults(parts, 2, result -> { }).publisher().collectList().block(STEP);
        assertThat(results).hasSize(2);
        awaitCondition("the skipped result's rows are let go", () -> {
            System.gc();
            return parts.watched.stream().allMatch(ref -> ref.get() == null);
        });
        // its update count still comes; the next result, small enough to be kept whole, reads as usual
        assertThat(Mono.from(results.get(0).getRowsUpdated()).block(STEP)).isEqualTo(200_000L);
        assertThat(Flux.from(results.get(1).map(row -> row)).count().block(STEP)).isEqualTo(3L);
    }

    @Test
    void readingTheRowsOfASkippedResultFailsSayingWhy() {
        Parts parts = new Parts(1_000, 0);
        List<Result> results = new ScriptResults(parts, 2, result -> { }).publisher().collectList().block(STEP);
        assertThatThrownBy(() -> Flux.from(results.get(0).map(row -> row)).blockLast(STEP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the rows of this result were dropped unread (1000 by the time it was read)")
                .hasMessageContaining("read each result before asking for the next");
        assertThat(Mono.from(results.get(1).getRowsUpdated()).block(STEP)).isZero();
    }

    /**
     * A result the reader of results holds while it still reads the one before (concatMap under bounded
     * demand) is waiting its turn, not skipped: every row of both comes.
     */
    @Test
    void aResultWaitingForTheOneBeforeToBeReadKeepsItsRows() {
        Parts parts = new Parts(5_000, 5_000, 1);
        Long rows = new ScriptResults(parts, 3, result -> { }).publisher()
                .concatMap(result -> Flux.from(result.map(row -> 1)).limitRate(7))
                .count().block(STEP);
        assertThat(rows).isEqualTo(10_001L);
    }

    /**
     * Reactive Streams §3.9: a reader of a script's result that asks for no or negative demand gets an
     * IllegalArgumentException (it used to be taken as a cancel, in silence: the reader waited forever);
     * the statement is then read and dropped, and the next result reads as usual. The readers are
     * CoreSubscribers, as a Reactor operator is: Reactor checks §3.9 itself only for other subscribers.
     */
    @Test
    void aRequestOfNoDemandOnAScriptsResultSignalsIllegalArgumentException() {
        for (long n : new long[] {0, -3}) {
            Parts parts = new Parts(50, 2);
            ScriptResults script = new ScriptResults(parts, 2, result -> { });
            Flux<Result> publisher = script.publisher();
            java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
            publisher.take(1).subscribe(first -> first.map(row -> row).subscribe(new CoreSubscriber<Object>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(n);
                }

                @Override
                public void onNext(Object row) {
                    ended.completeExceptionally(new AssertionError("a row without demand: " + row));
                }

                @Override
                public void onError(Throwable t) {
                    ended.complete(t);
                }

                @Override
                public void onComplete() {
                    ended.completeExceptionally(new AssertionError("completed after request(" + n + ")"));
                }
            }));
            assertThat(ended.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join()).as("request(%d)", n)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("request(" + n + ")").hasMessageContaining("§3.9");
        }
        // with both results in hand, the refused one's rows are dropped and the next one is read whole
        Parts parts = new Parts(50, 2);
        List<Result> both = new ScriptResults(parts, 2, result -> { }).publisher().collectList().block(STEP);
        java.util.concurrent.atomic.AtomicReference<Throwable> refused = new java.util.concurrent.atomic.AtomicReference<>();
        both.get(0).map(row -> row).subscribe(new CoreSubscriber<Object>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(Object row) {
            }

            @Override
            public void onError(Throwable t) {
                refused.set(t);
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(refused.get()).isInstanceOf(IllegalArgumentException.class);
        assertThat(Flux.from(both.get(1).map(row -> row)).count().block(STEP)).isEqualTo(2L);
    }
}
