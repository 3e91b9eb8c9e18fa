package io.pgconn.r2dbc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One read of a session in progress — a statement's or script's parts, a COPY's chunks or a COPY's data going out —
 * from its start until its end (completed, failed, cancelled by its reader or cut off): what a rollback or the
 * pool's release clean-up waits for, and cuts off after the reads' grace ({@link SessionPort#readsInProgressEnded}).
 * Registered with its session while it runs. The subclass cancels its upstream as its reader's cancel would and
 * signals its reader's error.
 */
abstract class ReadInProgress {

    private final ExtendedQuerySession session;
    /** Completes when the read ends: completed, failed, cancelled by its reader or cut off. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** {@link #cutOff} ran (once). */
    private final AtomicBoolean cut = new AtomicBoolean();
    /**
     * The reader had its end: the only signals that can race (the event loop's end and a cut-off's error, or an end
     * the core signals on the subscribing thread before the work was queued). Rows and chunks need no guard: they
     * come from the event loop only, and a cut-off's error comes there after its cancel (AUDIT-14 L1, L2).
     */
    private final AtomicBoolean terminated = new AtomicBoolean();

    ReadInProgress(ExtendedQuerySession session) {
        this.session = session;
    }

    /** The read began: a rollback waits for it from now on. */
    final void started() {
        session.reading.add(this);
    }

    /** Ends the read; false when it had ended already (completed, failed, cancelled or cut off). */
    final boolean end() {
        session.reading.remove(this);
        return ended.complete(null);
    }

    /** Claims the reader's one terminal signal; false when it had one already (or a cut-off's error claimed it). */
    final boolean terminate() {
        return terminated.compareAndSet(false, true);
    }

    /** Whether {@link #cutOff} ran: the upstream's end after the cut-off's cancel is not the reader's to hear. */
    final boolean cutOffAsked() {
        return cut.get();
    }

    /** Cancels the work as its reader's cancel would: the server is asked to stop it. Any thread. */
    abstract void cancelUpstream();

    /** Fails the reader with {@code error} (its one terminal signal, claimed already). */
    abstract void signalError(Throwable error);

    /** What the cut-off's error says was cut off ("statement read", "COPY TO STDOUT" ...). */
    abstract String what();

    /** How it stalled, for the cut-off's error ("its reader had neither read it to its end nor cancelled it"). */
    abstract String stalled();

    /** What the server was asked to stop, for the cut-off's error ("statement", "COPY"). */
    abstract String cancelled();

    /**
     * Cancels the read as its reader's cancel would, and fails the reader with {@code error}; nothing when the
     * read has ended. From any thread: the error goes to the reader once the session's event loop has processed
     * the cancel — on the loop, or on this thread when the loop had already done so (a done future runs its
     * stage at once) — where nothing of the work follows it or is being handed on: a terminal signal coming
     * back into a signal under way (a reader's {@code request(0)} inside {@code onNext}) is never in its way.
     */
    final void cutOff(Throwable error) {
        if (ended.isDone() || !cut.compareAndSet(false, true)) {
            return;
        }
        // the reader's order (cancel): asked to cancel before the read counts as ended, so no wait on it
        // (a ROLLBACK) is written ahead of the cancel, which then could not reach the server (AUDIT-14 L3)
        cancelUpstream();
        if (!end()) {
            return;
        }
        session.connection().nothingInFlight().thenRun(() -> failCutOff(error)); // after the loop processed the cancel
    }

    private void failCutOff(Throwable error) {
        if (!terminate()) {
            return; // its end came first
        }
        try {
            signalError(error);
        } catch (RuntimeException ignored) {
            // Reactive Streams §2.13: a reader's failure must not break the session or the other cut-offs
        }
    }
}
