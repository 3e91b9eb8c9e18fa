package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.pgconn.PgStaleStatementException;

/**
 * Whether a server error says a cached named statement no longer fits (it is then re-prepared), and what such an error
 * means for the statement's cache entry ({@link #judge}).
 */
final class StaleStatement {

    /** What a server error read for a statement means for it: the error its run sees, and whether its entry was stale. */
    record Verdict(PgException error, boolean staleEntry) {
    }

    private StaleStatement() {
    }

    /**
     * {@code error}, the first error read for a statement of {@code entry} (null: not a cached one), which this
     * statement made ({@code creator}) or found. Only before its BindComplete ({@code bound}: after it the server found
     * the statement and revalidated its plan, and a 26000 or 0A000 is the execution's own) can the error be about the
     * entry: when it proves that the server session is shared (a pooler in transaction mode, {@link SharedServerSession})
     * the cache turns off and the statement fails as stale; a statement gone or whose result type changed ({@link #is})
     * is stale too. A stale entry leaves the cache, and so does one this statement made and the server never parsed.
     * A stale entry's error is a {@link PgStaleStatementException}: a re-run prepares it anew.
     */
    static Verdict judge(QuerySession session, StatementCache.Entry entry, boolean creator, boolean bound, PgException error) {
        StatementCache cache = session.statementCache();
        boolean aboutTheEntry = entry != null && !bound;
        boolean shared = aboutTheEntry && error instanceof PgServerException && !(error instanceof PgStaleStatementException)
                && SharedServerSession.proven(error, entry, creator, cache);
        if (shared) {
            // a pooler in transaction mode: the cache turns off, this statement fails as stale (re-run unnamed when
            // nothing depends on its place, ExtendedExchange.onReady), every later one is parsed unnamed
            String code = error.serverFields().code();
            cache.serverSessionShared(entry);
            SharedServerSession.warnOnce(session.host(), code);
            error = new PgStaleStatementException(error, SharedServerSession.explanation(entry, code));
        }
        boolean staleEntry = aboutTheEntry && (shared || is(error));
        if (staleEntry || (entry != null && creator && !entry.parsed)) {
            cache.invalidate(entry);
        }
        if (staleEntry && error instanceof PgServerException && !(error instanceof PgStaleStatementException)) {
            error = new PgStaleStatementException(error); // dropped above: run again, it is prepared anew
        }
        return new Verdict(error, staleEntry);
    }

    /**
     * 26000: the named statement is gone (DISCARD ALL, DEALLOCATE); 0A000 raised by the plan cache's
     * revalidation: its result type changed. Told by the routine field ('R'), which is not
     * translated, unlike the message under a non-English lc_messages (pgjdbc does the same); the
     * English message only when a server leaves the routine out.
     */
    static boolean is(PgException error) {
        String code = error.serverFields().code();
        if ("26000".equals(code)) {
            return true;
        }
        if (!"0A000".equals(code)) {
            return false;
        }
        String routine = error.serverFields().routine();
        if (routine != null) {
            return "RevalidateCachedQuery".equals(routine) || "RevalidateCachedPlan".equals(routine);
        }
        String message = error.serverFields().message();
        return message != null && message.contains("cached plan must not change result type");
    }
}
