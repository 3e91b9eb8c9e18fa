package io.pgconn.r2dbc;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * The control statements of one {@link PgConnR2dbcConnection} — transaction control, settings, the validation query —
 * sent after the results its borrower was handed and never read ({@link UnreadResults}), their answers followed by the
 * transaction tracker. One place for them, so {@link ConnectionTransactions}, {@link ReleaseCleanUp} and
 * {@link ConnectionValidation} send control SQL the same way.
 */
final class ControlSql {

    /**
     * How long a rollback waits for reads in progress to end before it cuts them off: enough for a reader's
     * cancel already on its way (F1), short enough that a stuck reader does not hold the transaction's locks.
     */
    static final Duration READS_GRACE = Duration.ofSeconds(1);

    private final SessionPort session;
    private final UnreadResults unread;
    private final SessionPort.Observer tracker;

    ControlSql(SessionPort session, UnreadResults unread, SessionPort.Observer tracker) {
        this.session = session;
        this.unread = unread;
        this.tracker = tracker;
    }

    /** Runs control SQL (transactions, settings) and completes when the server has answered. */
    Mono<Void> control(String sql) {
        return sent(sql).onErrorMap(R2dbcErrors::translate);
    }

    /** {@link #control}, its failure left as the core reported it. */
    Mono<Void> sent(String sql) {
        return Mono.defer(() -> unread.discarded().then(Flux.from(session.executeScript(sql, tracker)).then()));
    }

    /**
     * {@code ROLLBACK} through the core's rollback (SessionPort#rollback): nothing is sent for a transaction begun with
     * its first statement that none joined or whose {@code BEGIN} failed; its failure left as the core reported it.
     */
    Mono<Void> rolledBack() {
        return Mono.defer(() -> unread.discarded().then(Flux.from(session.rollback(tracker)).then()));
    }

    /**
     * Before a rollback is written (r2dbc.md §3): a statement of the transaction whose reader is cancelling
     * (a Kotlin Flow, a subscription cancelled on another thread) ends first — written first, the rollback
     * would keep the cancel from reaching the server, and the statement would run to its end (new user 10's
     * F1). Unread results are discarded before the wait: a script whose handed-out result nobody reads ends
     * its read only once that result is discarded (AUDIT-13 M1). A read that has not ended after
     * {@link #READS_GRACE} (its reader neither reads nor cancels) is cut off, so the rollback runs and the
     * transaction's locks are released instead of being held as long as the reader (AUDIT-13 L2).
     */
    Mono<Void> afterReadsInProgress(String rollback) {
        return unread.discarded().then(Mono.from(session.readsInProgressEnded(READS_GRACE, rollback)));
    }
}
