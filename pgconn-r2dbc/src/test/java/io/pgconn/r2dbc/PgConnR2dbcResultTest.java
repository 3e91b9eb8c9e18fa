package io.pgconn.r2dbc;

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
 * flight when the reader cancelled, and rows queued for a reader that cancelled, are let go.
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
}
