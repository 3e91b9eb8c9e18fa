package io.pgconn.r2dbc;

import io.pgconn.query.TransactionStatus;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What a borrower left under way on a pooled connection, ended before r2dbc-pool takes the connection back, so
 * none of it reaches the next borrower (r2dbc.md §4; the connection's {@code Lifecycle.preRelease()}): results
 * never read are run and discarded; a read still in progress after the reads' grace (a leaked subscription that
 * neither reads nor cancels) is cut off — the next borrower's statements would wait behind it for ever; and a
 * transaction left open is rolled back, its locks released: one begun through SQL, which the pool does not see,
 * and one begun through {@code beginTransaction()} — called as {@code Lifecycle} this runs after the pool's own
 * rollback of it, but through {@link PgConnPoolRelease} (the pool's {@code preRelease} function) before it, so it
 * does not rely on the pool's; also whatever a request still in flight may open (one cut off, one whose reader
 * gave up before its answer: AUDIT-14 M1) — asked of the session, which answers on its event loop; with something
 * in flight, a ROLLBACK goes out only when the server's status after it is not idle (NEW-USER-13 F9: never "just in
 * case", which drew a server WARNING per release). Auto-commit is
 * put back on for the next borrower, after the rollback decision (AUDIT-14 M2). The {@code ROLLBACK} is the core's
 * ({@link ControlSql#rolledBack()}): a transaction {@code beginTransaction()} began that ran nothing, or
 * whose {@code BEGIN} (riding with its first statement) failed, sends nothing. Bounded: the reads' grace plus
 * the {@code validate(REMOTE)} timeout. A session that cannot be cleaned up (in time) is closed (which ends the server's
 * session at once) and the clean-up fails, which makes r2dbc-pool invalidate the connection rather than keep it idle.
 *
 * <p>With a reset on release ({@code PgConnPools.Builder#resetOnRelease}: {@code DISCARD ALL}, {@code RESET ALL} or an
 * application's SQL), that SQL runs last, on a release of a session still open that was used since its last reset
 * ({@link LendFence#sessionUsed}: an operation run, the core connection handed out — the server changes a session's state
 * only for what is sent to it, so a lend that sent nothing left nothing to reset), once the rollback left it outside a
 * transaction: session state a borrower set ({@code SET}, {@code set_config(..., false)}, with {@code DISCARD ALL} also
 * temporary tables, {@code LISTEN}, advisory locks, prepared statements) is not the next borrower's (NEW-USER-26 F3). It is
 * bounded on its own as long as the clean-up (a close() waits up to both bounds), and one that fails closes the session as a failed clean-up does: the pool drops it. Its error
 * names an application's own SQL only as "the configured SQL" (it may carry a value, as {@code SET ROLE ...} does); the
 * server's message follows.
 */
final class ReleaseCleanUp {

    private final PgConnR2dbcConnection connection;
    private final ControlSql control;
    private final SessionPort session;
    private final TransactionState transaction;
    /** The connection's lends: whether the session was used since its last reset. */
    private final LendFence lends;
    /** How long the clean-up may take: the reads' grace, then as long as {@code validate(REMOTE)}. */
    private final Duration bound;
    /** The reset on release; null: none. */
    private final String reset;

    ReleaseCleanUp(PgConnR2dbcConnection connection, ControlSql control, SessionPort session, TransactionState transaction,
            LendFence lends, Duration bound, String reset) {
        this.connection = connection;
        this.control = control;
        this.session = session;
        this.transaction = transaction;
        this.lends = lends;
        this.bound = bound;
        this.reset = reset;
    }

    /**
     * The clean-up, for one release: what the borrower left is looked at when the Mono is subscribed, not when it is
     * built — a pool may subscribe later, or again (REVIEW-18 L6: a look at build time missed a read begun after it).
     */
    Mono<Void> beforeRelease() {
        return Mono.defer(this::cleanUpNow);
    }

    /** The clean-up for what is left now. */
    private Mono<Void> cleanUpNow() {
        Mono<Void> cleanUp;
        if (!connection.resultsUnread() && !session.readsInProgress() && !leftInATransaction()) {
            // nothing left that the connection sees; a request still in flight only the session sees: a read whose
            // reader cancelled before its end (Mono.from after the first row), a BEGIN whose chain was cancelled —
            // whose answer would reach the next borrower (AUDIT-14 M1). The status is looked at again once the
            // session answered: that BEGIN's answer may have come after the look above and before the session's
            // (the loop reads the socket before it runs the question), and then nothing is in flight but a
            // transaction is open
            cleanUp = answeredAll().flatMap(answered -> !answered ? bounded(rollbackIfLeftOpen())
                    : leftInATransaction() ? bounded(control.rolledBack()) : Mono.<Void>empty());
        } else {
            cleanUp = cleanUp();
        }
        // the R2DBC default for the next borrower, after the rollback decision (AUDIT-14 M2)
        return cleanUp.then(resetSession()).then(Mono.fromRunnable(connection::autoCommitBackOn));
    }

    /**
     * The reset on release, on a session still open (the rollback before it left it outside a transaction, where
     * {@code DISCARD ALL} may run) that was used since its last reset ({@link LendFence#sessionUsed}; session 31: it ran
     * on every release, also after a lend that sent nothing). A reset of every setting ({@code DISCARD ALL},
     * {@code RESET ALL}) also puts the session's default isolation level back to the one it connected with, as the
     * server did.
     */
    private Mono<Void> resetSession() {
        if (reset == null) {
            return Mono.empty();
        }
        return Mono.defer(() -> session.connection().isClosed() || !lends.sessionUsed() ? Mono.<Void>empty()
                : bounded(control.sent(reset).onErrorMap(error -> new R2dbcNonTransientResourceException("the reset on release ("
                        + (resetsEverySetting(reset) ? reset : "the configured SQL") + ") failed on " + connection + ": "
                        + error.getMessage(), error))
                        .doOnSuccess(ignored -> {
                            if (resetsEverySetting(reset)) {
                                transaction.sessionIsolationReset();
                            }
                        })));
    }

    /**
     * When the borrower left something: unread results run, reads ended or cut off, then {@code ROLLBACK} when a
     * transaction is open — or, when a request is still in flight (one cut off, one given up on, anything
     * pipelined behind them), whose answer may yet open one, when the status after it is not idle.
     */
    private Mono<Void> cleanUp() {
        return bounded(control.afterReadsInProgress("preRelease() (the connection going back to its pool)")
                .then(Mono.defer(this::answeredAll))
                .flatMap(answered -> !answered ? rollbackIfLeftOpen()
                        : leftInATransaction() ? control.rolledBack() : Mono.<Void>empty()));
    }

    /**
     * Requests in flight: once they are all answered — the transaction status of a ReadyForQuery before theirs says
     * nothing of what they open (AUDIT-14 M1) — {@code ROLLBACK} only when the server's transaction status then is
     * not idle (or the connection tracks a transaction). As long as the {@code ROLLBACK} written behind them took,
     * whose answer came after theirs.
     */
    private Mono<Void> rollbackIfLeftOpen() {
        return Mono.fromFuture(session.connection().transactionStatusAfterInFlight())
                .flatMap(status -> status != TransactionStatus.IDLE || tracksATransaction()
                        ? control.rolledBack() : Mono.<Void>empty());
    }

    /** Whether {@code sql} is {@code DISCARD ALL} or {@code RESET ALL} (any case and spacing, a {@code ;} after it). */
    static boolean resetsEverySetting(String sql) {
        String words = sql.strip().replaceFirst(";$", "").strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        return words.equals("DISCARD ALL") || words.equals("RESET ALL");
    }

    /**
     * r2dbc-pool has no release timeout: on a server that stopped answering, the drain, the wait for what is in
     * flight or the ROLLBACK would hold the release (and the pool's slot) for ever — bounded as validate(REMOTE),
     * after the reads' grace (AUDIT-14 L4). A session that cannot be cleaned up (in time) is closed, and the clean-up
     * then fails, so that r2dbc-pool invalidates the connection at once (its release's error path) — completing
     * instead put the closed session back among the idle ones, counted idle and lent to the next borrower, whose
     * acquire then failed "Connection validation failed" (or cost it a retry).
     */
    private Mono<Void> bounded(Mono<Void> cleanUp) {
        return cleanUp.timeout(bound).onErrorResume(error -> connection.close()
                .then(Mono.error(new R2dbcNonTransientResourceException("the release clean-up of " + connection
                        + (error instanceof TimeoutException ? " did not end within " + bound.toMillis() + " ms"
                        : " failed (" + error.getClass().getSimpleName() + ")")
                        + ": its session was closed and the pool drops it", error))));
    }

    /** Whether the session answered everything asked of it so far (the core's {@code nothingInFlight()}). */
    private Mono<Boolean> answeredAll() {
        return Mono.fromFuture(session.connection().nothingInFlight());
    }

    /** A transaction the connection tracks and the session is still open for. */
    private boolean tracksATransaction() {
        return !session.connection().isClosed() && transaction.isActive();
    }

    /**
     * A transaction the connection tracks ({@code transaction.isActive()}: also one the pool began — under
     * {@link PgConnPoolRelease} this runs before the pool's rollback, r2dbc.md §4) or the server's last status says
     * is open.
     */
    private boolean leftInATransaction() {
        return !session.connection().isClosed()
                && (transaction.isActive() || session.connection().transactionStatus() != TransactionStatus.IDLE);
    }
}
