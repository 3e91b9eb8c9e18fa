package io.pgconn.r2dbc;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Result.map}'s one subscriber on the session's parts, driven by hand: parts the session had in
 * flight when the reader cancelled, and rows queued for a reader that cancelled, are let go. And
 * {@code getRowsUpdated()}'s one subscriber (session 27, in place of five operators): the counts summed, the sum
 * held for the reader's request, none for a statement without a count, a second read refused, a cancel passed on.
 */
class PgConnR2dbcResultTest {

    /** The session's side: the test pushes parts when it wants, as the event loop would. */
    private static final class Parts implements Publisher<ResultPart> {
        Subscriber<? super ResultPart> subscriber;
        final AtomicBoolean cancelled = new AtomicBoolean();
        long requested;

        @Override
        public void subscribe(Subscriber<? super ResultPart> s) {
            subscriber = s;
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    requested += n;
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }

        /** The statement's completion with its command tag, then the end of its parts. */
        void completed(String commandTag) {
            subscriber.onNext(ResultPart.Completion.of(commandTag));
            subscriber.onComplete();
        }

        /** One row, within the demand (Reactive Streams §1.1, even for rows in flight at a cancel). */
        void row() {
            assertThat(requested).as("demand for another row").isPositive();
            requested--;
            subscriber.onNext(new ResultPart.RowPart(new RowData() {
                @Override
                public PgConnR2dbcRowMetadata metadata() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public <T> T get(int index, Class<T> type) {
                    throw new UnsupportedOperationException();
                }
            }));
        }
    }

    /** Asks for {@code demand} rows, keeps none of them; cancels at the first row when told to. */
    private static final class Reader extends BaseSubscriber<Object> {
        private final long demand;
        private final boolean cancelAtFirst;
        final AtomicInteger received = new AtomicInteger();

        Reader(long demand, boolean cancelAtFirst) {
            this.demand = demand;
            this.cancelAtFirst = cancelAtFirst;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(demand);
        }

        @Override
        protected void hookOnNext(Object value) {
            received.incrementAndGet();
            if (cancelAtFirst) {
                cancel();
            }
        }
    }

    @Test
    void rowsInFlightWhenTheReaderCancelsAreNotMapped() {
        Parts parts = new Parts();
        AtomicInteger mapped = new AtomicInteger();
        Reader reader = new Reader(500, true);
        new PgConnR2dbcResult(parts).map(row -> {
            mapped.incrementAndGet();
            return new Object();
        }).subscribe(reader);
        parts.row();
        assertThat(reader.received).hasValue(1);
        assertThat(parts.cancelled).isTrue();
        while (parts.requested > 0) {
            parts.row(); // asked for before the cancel, on its way from the server
        }
        assertThat(mapped).as("rows mapped after the cancel").hasValue(1);
        assertThat(reader.received).hasValue(1);
    }

    /**
     * Rows mapped but not asked for yet wait in a queue; a cancel lets go of them (the work-in-progress
     * count stayed raised after a cancel, so the queue was never cleared again and kept what came).
     */
    @Test
    void rowsQueuedForAReaderThatCancelsAreLetGo() {
        Parts parts = new Parts();
        List<WeakReference<byte[]>> queued = new ArrayList<>();
        Reader reader = new Reader(10, false);
        new PgConnR2dbcResult(parts).map(row -> {
            byte[] value = new byte[64 * 1024];
            queued.add(new WeakReference<>(value));
            return value;
        }).subscribe(reader);
        while (parts.requested > 0) {
            parts.row(); // ten handed on; the look-ahead part (asked for to see the end) is a row: it waits
        }
        assertThat(reader.received).hasValue(10);
        reader.cancel();
        assertThat(queued).hasSize(11);
        List<WeakReference<byte[]>> notHandedOn = queued.subList(10, queued.size());
        awaitCondition("the rows queued for the cancelled reader are let go", () -> {
            System.gc();
            return notHandedOn.stream().allMatch(ref -> ref.get() == null);
        });
        assertThat(reader.received).hasValue(10);
    }

    @Test
    void rowsUpdatedPassesRowsOverAndHoldsTheSumForTheReadersRequest() {
        Parts parts = new Parts();
        List<Long> counts = new ArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        BaseSubscriber<Long> reader = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // nothing asked for yet
            }

            @Override
            protected void hookOnNext(Long value) {
                counts.add(value);
            }

            @Override
            protected void hookOnComplete() {
                completed.set(true);
            }
        };
        new PgConnR2dbcResult(parts).getRowsUpdated().subscribe(reader);
        assertThat(parts.requested).as("every part asked for at once: the rows are passed over").isEqualTo(Long.MAX_VALUE);
        parts.row();
        parts.row();
        parts.completed("UPDATE 2");
        assertThat(counts).as("no sum before the reader asks").isEmpty();
        reader.request(1);
        assertThat(counts).containsExactly(2L);
        assertThat(completed).isTrue();
    }

    @Test
    void rowsUpdatedOfAStatementWithoutACountIsEmpty() {
        Parts parts = new Parts();
        AtomicInteger values = new AtomicInteger();
        AtomicBoolean completed = new AtomicBoolean();
        new PgConnR2dbcResult(parts).getRowsUpdated().subscribe(value -> values.incrementAndGet(), error -> { },
                () -> completed.set(true));
        parts.completed("BEGIN");
        assertThat(values).hasValue(0);
        assertThat(completed).isTrue();
    }

    @Test
    void rowsUpdatedOfAResultReadAlreadyFailsAndACancelReachesTheSession() {
        Parts parts = new Parts();
        PgConnR2dbcResult result = new PgConnR2dbcResult(parts);
        reactor.core.Disposable first = result.getRowsUpdated().subscribe();
        List<Throwable> errors = new ArrayList<>();
        result.getRowsUpdated().subscribe(value -> { }, errors::add);
        assertThat(errors).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already been read");
        first.dispose();
        assertThat(parts.cancelled).isTrue();
    }
}
