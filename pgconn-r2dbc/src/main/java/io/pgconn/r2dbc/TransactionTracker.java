package io.pgconn.r2dbc;

import io.pgconn.PgServerException;

/**
 * Follows a connection's transaction state ({@link TransactionState}) from the session's answers: at the end of each
 * exchange the server answered — completed, or failed with the server's error — from the status of its
 * ReadyForQuery; a session that ended has none open (also when the exchange completed without its ReadyForQuery: a
 * COMMIT answered before the session ended, docs/query.md §5); a failure before anything reached the server (a value
 * no codec writes, a COPY refused) changed nothing.
 */
final class TransactionTracker implements SessionPort.Observer {

    private final SessionPort session;
    final TransactionState transaction;

    TransactionTracker(SessionPort session, TransactionState transaction) {
        this.session = session;
        this.transaction = transaction;
    }

    /** Whether {@code error} ended {@code session} — or the session has ended anyway. */
    static boolean endedTheSession(SessionPort session, Throwable error) {
        return session.connection().isClosed() || R2dbcErrors.endedTheSession(error);
    }

    @Override
    public void onCompletion(ResultPart.Completion completion) {
        transaction.onCommand(completion.commandTag());
    }

    @Override
    public void onEnd() {
        if (session.connection().isClosed()) {
            transaction.onSessionEnd(); // the last ReadyForQuery's status is stale: the server rolled back what was open
        } else {
            transaction.follow(session.connection().transactionStatus());
        }
    }

    @Override
    public void onError(Throwable error) {
        transaction.explained(error);
        if (endedTheSession(session, error)) {
            transaction.onSessionEnd();
        } else if (error instanceof PgServerException) {
            transaction.follow(session.connection().transactionStatus());
        }
    }
}
