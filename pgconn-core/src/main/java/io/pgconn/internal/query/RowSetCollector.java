package io.pgconn.internal.query;

import io.pgconn.query.CommandResult;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Gathers a statement's segments into one {@link RowSet} per execution ({@link #all()}), or keeps
 * only the first execution's ({@link #first()}, what {@code PgConnection.query} returns), and is itself
 * the caller's future: one object per statement where the subscriber and its future were two (issue 13's
 * per-statement objects). Cancelling the future cancels the subscription, which cancels the statement on
 * the server. Built per statement, so it allocates no more than the result needs: no row list for a result of
 * none or one row, no list of row sets for the first one alone. The subscriber's methods run on the event loop;
 * the future's on any thread. Stages made from it are plain {@link SpinThenParkFuture}s: they do not cancel the
 * statement.
 */
final class RowSetCollector<R> extends SpinThenParkFuture<R> implements Flow.Subscriber<Segment> {

    private static final RowMetadata NO_COLUMNS = new RowMetadata(List.of());
    /** What {@link #first()} completes with when the statement had no execution at all. */
    private static final RowSet NONE = new RowSet(NO_COLUMNS, List.of(), "", OptionalLong.empty());

    private final boolean firstOnly;
    /** Every execution's rows ({@link #all()} only). */
    private final List<RowSet> sets;
    /** Set in onSubscribe, before the future is handed out. */
    private volatile Flow.Subscription subscription;
    private RowSet firstSet;
    private RowMetadata metadata = NO_COLUMNS;
    /** The execution's rows: its only row in {@code oneRow} until a second one makes the list. */
    private Row oneRow;
    private List<Row> rows;

    private RowSetCollector(boolean firstOnly, WaitSpinBackoff blockingWaitSpin) {
        super(blockingWaitSpin);
        this.firstOnly = firstOnly;
        this.sets = firstOnly ? null : new ArrayList<>(1);
    }

    /**
     * Completes with the row set of every execution, in order; a thread blocked on the future spins
     * for the connection's {@code blockingWaitSpin} before parking ({@link SpinThenParkFuture}).
     */
    static RowSetCollector<List<RowSet>> all(WaitSpinBackoff blockingWaitSpin) {
        return new RowSetCollector<>(false, blockingWaitSpin);
    }

    /** Completes with the first execution's row set (one with no rows and an empty tag if there was none). */
    static RowSetCollector<RowSet> first(WaitSpinBackoff blockingWaitSpin) {
        return new RowSetCollector<>(true, blockingWaitSpin);
    }

    /** The caller's future: this collector. */
    CompletableFuture<R> result() {
        return this;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Segment segment) {
        if (firstOnly && firstSet != null) {
            return; // later executions' results are not returned
        }
        if (segment instanceof Row row) {
            if (rows != null) {
                rows.add(row);
            } else if (oneRow == null) {
                oneRow = row;
            } else {
                rows = new ArrayList<>();
                rows.add(oneRow);
                rows.add(row);
            }
        } else if (segment instanceof RowMetadata columns) {
            metadata = columns;
        } else if (segment instanceof CommandResult done) {
            // RowSet keeps an immutable list as it is (List.copyOf): List.of for none or one row
            List<Row> executionRows = rows != null ? rows : oneRow != null ? List.of(oneRow) : List.of();
            RowSet set = new RowSet(metadata, executionRows, done.commandTag(), done.rowCount());
            if (firstOnly) {
                firstSet = set;
            } else {
                sets.add(set);
            }
            metadata = NO_COLUMNS;
            oneRow = null;
            rows = null;
        }
    }

    @Override
    public void onError(Throwable error) {
        completeExceptionally(error);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onComplete() {
        complete((R) (firstOnly ? (firstSet != null ? firstSet : NONE) : List.copyOf(sets)));
    }

    /**
     * Cancelling the future (by {@code cancel}, or a {@code CancellationException} completion) cancels the
     * subscription. An override rather than a {@code whenComplete} stage, which would cost two objects per statement.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        cancelSubscriptionIfCancelled();
        return cancelled;
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        boolean completed = super.completeExceptionally(error);
        if (completed) {
            cancelSubscriptionIfCancelled();
        }
        return completed;
    }

    private void cancelSubscriptionIfCancelled() {
        Flow.Subscription s = subscription;
        if (s != null && isCancelled()) {
            s.cancel(); // idempotent: a second cancel, or one after the end, does nothing
        }
    }
}
