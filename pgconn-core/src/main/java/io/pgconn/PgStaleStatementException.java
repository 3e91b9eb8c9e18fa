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
 */
public class PgStaleStatementException extends PgServerException {

    private static final long serialVersionUID = 1L;

    /** The server's error {@code refused} for a cached statement, whose cache entry was dropped. */
    public PgStaleStatementException(PgException refused) {
        super(refused.host(), ErrorMessageLines.addedToFirstLine(refused.getMessage(), "; the cached prepared statement was"
                + " dropped and is prepared anew when run again (inside a transaction block: roll back and retry the"
                + " transaction)"), refused.serverFields(), refused.getCause());
    }
}
