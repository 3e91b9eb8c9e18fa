package io.pgconn;

/**
 * The server refused one of the connection's cached prepared statements as stale: its result type changed (0A000
 * "cached plan must not change result type", after an {@code ALTER TABLE} of a table it reads) or the server no
 * longer has it (26000, after a {@code DEALLOCATE}). pgconn has dropped the statement from its cache, so the same
 * text run again is prepared anew and succeeds. Outside a transaction block pgconn already re-ran it once, when it
 * could (nothing submitted after it); this exception comes when it could not: inside a transaction block — the
 * error has failed the transaction: roll back and run the transaction again, which then succeeds — or when later
 * requests were pipelined behind it (run it again). pgconn-r2dbc makes it an {@code R2dbcRollbackException}, which
 * Spring makes a transient exception a retry policy retries (docs/query.md §3, docs/r2dbc.md §2). pgjdbc's
 * {@code autosave=conservative} re-runs it inside the transaction behind a savepoint; pgconn does not.
 *
 * <p>Behind a pooler in transaction mode (PgBouncer {@code pool_mode=transaction}) the server session answering may not
 * be the one the statement was prepared on: a 26000 for a statement the connection prepared and did not close, or a
 * 42P05 for a new statement's name, says so. The message then names the pooler and {@code preparedStatementCacheSize=0},
 * and the connection parses its statements unnamed from then on (run again, the statement works; docs/query.md §3).
 */
public class PgStaleStatementException extends PgServerException {

    private static final long serialVersionUID = 1L;

    /** The server's error {@code refused} for a cached statement, whose cache entry was dropped. */
    public PgStaleStatementException(PgException refused) {
        super(refused.host(), ErrorMessageLines.addedToFirstLine(refused.getMessage(), "; the cached prepared statement was"
                + " dropped and is prepared anew when run again (inside a transaction block: roll back and retry the"
                + " transaction)"), refused.serverFields(), refused.getCause());
    }

    /**
     * The server's error {@code refused} for a cached statement, with {@code explanation} (why the server session did not
     * have it, or had another by its name) added to its first line; the entry was dropped.
     */
    public PgStaleStatementException(PgException refused, String explanation) {
        super(refused.host(), ErrorMessageLines.addedToFirstLine(refused.getMessage(), explanation),
                refused.serverFields(), refused.getCause());
    }
}
