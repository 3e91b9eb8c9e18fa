package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.EmptyQueryResponse;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParameterDescription;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.Bind;
import io.pgconn.internal.protocol.frontend.Describe;
import io.pgconn.internal.protocol.frontend.Execute;
import io.pgconn.internal.protocol.frontend.Flush;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Parse;
import io.pgconn.internal.protocol.frontend.Sync;
import io.pgconn.query.CommandResult;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.SqlTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A script: several statements without parameters under one Sync, so the server runs them as one
 * implicit transaction (outside {@code BEGIN}) that stops at the first error, as it runs a
 * multi-statement simple Query. Per statement, in order:
 * <pre>
 *   Parse ""  Bind  Describe portal  Execute          (a statement that returns no rows, or ...)
 *   Parse ""  Describe S  Flush  ... RowDescription ...  Bind  Execute   (one whose rows may come)
 * </pre>
 * then one Sync. Statements are parsed one after the other, each after the one before it ran (a
 * Parse analyses the statement, so a table created by an earlier statement must exist by then). The
 * result formats in Bind depend on the row types (binary where a codec reads the type in binary), so
 * a statement that may return rows is described first, which costs one round trip before its Bind;
 * a statement that certainly returns none ({@link #certainlyRowless}: DDL, INSERT/UPDATE/DELETE
 * without RETURNING, SET ...) goes in the same write as the ones before it. Later exchanges are held
 * back until the Sync is written: they must not run inside the script's transaction. When the server
 * reports an error it skips to the Sync, which is then written if it was not yet; the segments of the
 * statements before it are passed on, then the error. Event loop only.
 */
final class ScriptExchange extends DrivenExchange {

    private static final short[] NO_FORMATS = new short[0];
    private static final byte[][] NO_VALUES = new byte[0][];
    private static final int[] NO_TYPES = new int[0];
    private static final RowMetadata NO_COLUMNS = new RowMetadata(List.of());

    private final StatementRun run;
    private final List<String> statements;
    /** The statement whose statement description is awaited before its Bind is written; -1: none. */
    private int describing = -1;
    /** The statement the answers being read belong to. */
    private int answering;
    private RowMetadata metadata;
    private ValueCodecs.RowDecoder rowDecoder;
    /** The rows and results handed to the run; from the first write on. */
    private ResultSegments segments;
    private PgException error;
    private boolean syncSent;

    ScriptExchange(StatementRun run, List<String> statements) {
        this.run = run;
        this.statements = statements;
    }

    @Override
    public boolean holdsWrites() {
        return !syncSent; // the script's implicit transaction lasts until its Sync
    }

    /**
     * The script's statements as one text: the type epoch reads it as a whole when one of them completed with a
     * table DDL or SET tag (REVIEW-13: with none given, every script's CREATE TEMP TABLE moved the factory's epoch).
     */
    @Override
    public String text() {
        return String.join(";\n", statements);
    }

    /** Whether one of its statements may end a transaction: each is sent as it is, so its first keyword says. */
    @Override
    public boolean mayEndTransaction() {
        return TransactionEndText.mayEndAny(statements);
    }

    /** Whether each of its statements can change only the session ({@link SessionOnlyText}): each is sent as it is. */
    @Override
    public boolean changesOnlyTheSession() {
        return SessionOnlyText.changesOnlyTheSessionAll(statements);
    }

    /** Whether one of its statements may commit inside itself ({@link TransactionalText}): each is sent as it is. */
    @Override
    public boolean mayCommitInside() {
        return TransactionalText.mayCommitInsideAny(statements);
    }

    @Override
    public FrontendMessage messages(QuerySession session) {
        this.session = session;
        this.segments = new ResultSegments(run::emit, session.host(), () -> "statement " + (answering + 1) + " of a script");
        if (aborted) {
            // cancelled while queued and written only to fail the open transaction (see ExtendedExchange)
            syncSent = true;
            return WithdrawnStatement.failingTheTransaction();
        }
        List<FrontendMessage> out = new ArrayList<>(statements.size() * 4 + 1);
        appendFrom(0, out);
        return MessageSequence.of(out.toArray(FrontendMessage[]::new));
    }

    /** The statements from {@code from} on, up to the first one to describe (then a Flush), else to the Sync. */
    private void appendFrom(int from, List<FrontendMessage> out) {
        for (int i = from; i < statements.size(); i++) {
            String sql = statements.get(i);
            out.add(new Parse("", sql, NO_TYPES));
            if (!certainlyRowless(sql)) {
                describing = i;
                out.add(Describe.statement(""));
                out.add(Flush.INSTANCE);
                return;
            }
            out.add(new Bind("", "", NO_FORMATS, NO_VALUES, NO_FORMATS));
            out.add(Describe.portal("")); // its RowDescription gives the metadata should rows come after all
            out.add(Execute.ALL_ROWS);
        }
        out.add(Sync.INSTANCE);
        syncSent = true;
    }

    @Override
    public boolean completedAny() {
        return answering > 0;
    }

    /** The server's error; not the one our own rejected statement provoked for a cancel ({@link #abort()}). */
    @Override
    protected PgException serverErrorRead() {
        return aborted ? null : error;
    }

    /**
     * Its statements run as one implicit transaction up to its Sync (or inside the open block), which the error rolls
     * back (or fails) with the ones before it: certain when none up to the failing one may have committed on its own
     * ({@link TransactionalText}: no COMMIT, CALL, VACUUM ...). An error after the last CommandComplete is the Sync's
     * commit failing (a deferred constraint): all of them then.
     */
    @Override
    protected boolean completedUndoneByItsError() {
        return TransactionalText.certainlyAll(statements.subList(0, Math.min(answering + 1, statements.size())));
    }

    @Override
    public void onMessage(BackendMessage message) {
        if (message instanceof DataRow row) {
            segments.row(row, metadata, rowDecoder, aborted);
        } else if (message instanceof CommandComplete complete) {
            statementDone(CommandResult.of(complete.tag()));
        } else if (message instanceof EmptyQueryResponse) {
            statementDone(CommandResult.of(""));
        } else if (message instanceof RowDescription description) {
            described(description);
        } else if (message instanceof NoData) {
            described(null);
        } else if (message instanceof ParseComplete || message instanceof BindComplete
                || message instanceof ParameterDescription) {
            // in order; nothing to do
        } else if (message instanceof ErrorResponse response) {
            serverError(response);
        } else {
            throw new PgProtocolException(session.host(), "server " + session.host() + " sent unexpected "
                    + message.getClass().getSimpleName() + " in a script exchange");
        }
    }

    /** A statement description (awaited before its Bind) or a portal description (rows follow in these formats). */
    private void described(RowDescription description) {
        if (describing == answering && !syncSent) {
            describing = -1;
            short[] formats = description == null ? NO_FORMATS : ResultShape.formatsFor(description, session.codecs());
            metadata = description == null ? NO_COLUMNS : ResultShape.metadataOf(description, formats);
            rowDecoder = session.codecs().rowDecoder(metadata, session.host());
            List<FrontendMessage> out = new ArrayList<>((statements.size() - answering) * 4 + 1);
            out.add(new Bind("", "", NO_FORMATS, NO_VALUES, formats));
            out.add(Execute.ALL_ROWS);
            appendFrom(answering + 1, out);
            session.write(MessageSequence.of(out.toArray(FrontendMessage[]::new)));
            releaseWritesIfFree();
            return;
        }
        if (describing == answering) {
            return; // aborted while waiting for it: the Bind is never written
        }
        metadata = description == null ? NO_COLUMNS : ResultShape.metadataOf(description, null);
        rowDecoder = session.codecs().rowDecoder(metadata, session.host());
    }

    private void statementDone(CommandResult result) {
        if (answering >= statements.size()) {
            throw new PgProtocolException(session.host(), "server " + session.host() + " completed more statements than the "
                    + statements.size() + " of a script");
        }
        // counted before the result is handed on: a subscriber that cancels on the last one (Mono.from of a
        // script of one statement without rows does) finds the server's work done, so nothing is sent to stop
        // it: a CancelRequest now could only land on the connection's next statement
        answering++;
        if (answering == statements.size()) {
            serverDone = true;
        }
        if (!aborted) {
            segments.end(metadata, result);
        }
        metadata = null;
        rowDecoder = null;
        segments.nextResult();
    }

    private void serverError(ErrorResponse response) {
        serverDone = true; // the server skips the rest up to our Sync
        if (error == null) {
            error = session.serverError(response.fields(), false);
        }
        if (!syncSent) {
            // waiting for a statement description: the server skips to the Sync we have not written yet
            describing = -1;
            syncSent = true;
            session.write(Sync.INSTANCE);
            releaseWritesIfFree();
        }
    }

    private void releaseWritesIfFree() {
        if (session != null && !holdsWrites()) {
            session.releaseWrites(this);
        }
    }

    /**
     * Cancel: outside {@code BEGIN} the script's changes are rolled back. Written up to a statement
     * description: the rest is never written, a statement the server rejects goes before the Sync
     * instead (so the implicit transaction fails rather than commits the statements before), and as the
     * head it is also asked to stop what it runs now (a Parse waiting for a lock would wait on, silent).
     * Sync written: a CancelRequest under {@link ExtendedExchange}'s rule (only while this is the exchange
     * the server runs and nothing of ours was written after it).
     */
    @Override
    boolean abort() {
        if (done || aborted) {
            return true;
        }
        aborted = true;
        if (session == null) {
            return false; // not written yet: the session withdraws it, or writes it to fail the transaction
        }
        if (serverDone) {
            return true;
        }
        if (!syncSent) {
            // as the head the server may be busy with what was written — a Parse waiting for a lock (parse analysis
            // locks the tables), a statement running — and is asked to stop first, so that the CancelRequest's hold
            // covers the exchanges the release below lets through (docs/query.md §5). A description still awaited is
            // ignored when it comes (described)
            if (session.isHead(this)) {
                cancelIfAlone();
            }
            syncSent = true;
            session.write(WithdrawnStatement.failingTheTransaction());
            releaseWritesIfFree();
            return true;
        }
        return cancelNowOrAtHead();
    }

    @Override
    public void onReady(char status) {
        done = true;
        if (error == null || (aborted && !"57014".equals(error.serverFields().code()))) {
            // aborted: the error is the one our rejected statement provoked, not the caller's business
            run.complete();
        } else {
            run.error(error);
        }
    }

    @Override
    public void fail(PgException failure) {
        done = true;
        run.error(failure);
    }

    /**
     * Whether a statement certainly returns no rows, so its result formats do not matter and it needs
     * no description first: its first keyword is one of the commands that never return rows, and an
     * INSERT, UPDATE, DELETE or MERGE has no {@code RETURNING} (the word anywhere counts, and right after a
     * {@code $}, which may close a dollar quote: a wrong "may return rows" costs a round trip, a wrong "none"
     * would send rows in text).
     */
    static boolean certainlyRowless(String sql) {
        return switch (firstKeyword(sql)) {
            case "CREATE", "DROP", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "COMMENT", "SET", "RESET", "LOCK",
                 "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "DISCARD",
                 "DEALLOCATE", "LISTEN", "UNLISTEN", "NOTIFY", "DO", "REFRESH", "CLUSTER", "REINDEX",
                 "VACUUM", "ANALYZE", "CHECKPOINT", "SECURITY", "IMPORT", "LOAD", "PREPARE", "REASSIGN", "DECLARE",
                 "CLOSE", "MOVE" -> true;
            case "INSERT", "UPDATE", "DELETE", "MERGE" -> !SqlScanner.containsWord(sql.toLowerCase(Locale.ROOT), "returning", true);
            default -> false;
        };
    }

    /** The statement's first word, upper case, after blanks and comments ("" when there is none). */
    static String firstKeyword(String sql) {
        int i = SqlTokens.skipBlanksAndComments(sql, 0);
        int end = i;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        return sql.substring(i, end).toUpperCase(Locale.ROOT);
    }
}
