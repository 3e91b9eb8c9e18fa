package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.frontend.Bind;
import io.pgconn.internal.protocol.frontend.Close;
import io.pgconn.internal.protocol.frontend.Execute;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Parse;

import java.util.ArrayList;
import java.util.List;

/**
 * A transaction's {@code BEGIN} that rides in front of its first statement ({@code PgConnection.beginWithFirstStatement},
 * docs/query.md §5): its Parse/Bind/Execute go out in that statement's Sync group, so the transaction costs no round trip
 * of its own, as pgjdbc's with auto-commit off. Why one Sync group and not a pipelined BEGIN with its own Sync: should
 * the BEGIN fail ({@code BEGIN READ WRITE} on a hot standby, 25006), the server skips the rest of the group, so the
 * statement never runs outside the transaction; a statement behind its own Sync would run autocommitted.
 *
 * <p>One per transaction; the session's FIFO keeps it ({@code ExchangeFifo}): every exchange submitted while it is open
 * {@link Exchange#transaction() belongs to it}, the first that can carry it (a statement) {@link Exchange#carriedBegin()
 * carries it} — or a {@code BEGIN} of its own goes first when that exchange cannot (a simple query, a script, a COPY) —
 * and everything behind the carrier waits unwritten for the carrier's ReadyForQuery, when the outcome is known: begun,
 * they are written; failed, each is refused with the BEGIN's error, unwritten, so nothing of the transaction ran
 * outside it. Event loop only, except {@link #failed()} (the caller's view of the status).
 */
public final class DeferredBegin {

    private static final int[] NO_TYPES = new int[0];
    private static final short[] NO_FORMATS = new short[0];
    private static final byte[][] NO_VALUES = new byte[0][];

    private final String sql;
    /** The options said {@code READ WRITE} ({@code TransactionOptions.readOnly(false)}): {@link #serverTurnedReadOnly} applies. */
    private final boolean readWrite;
    /** Some exchange belongs to it: ending the transaction then sends its COMMIT or ROLLBACK. */
    private boolean joined;
    /** The exchange that writes the BEGIN (itself or a BEGIN of its own in front of it), once chosen. */
    private Exchange carrier;
    /** The BEGIN's three answers read (ParseComplete, BindComplete, CommandComplete), when carried in front. */
    private int answersRead;
    private boolean begun;
    /** The carrier's ReadyForQuery came: the outcome is known ({@link #settle}). */
    private boolean settled;
    /** The BEGIN's error, once it failed; read by callers for the status they see. */
    private volatile PgException failure;
    /**
     * The session's host, set when the server had reported {@code default_transaction_read_only=on} by the time this
     * {@code BEGIN READ WRITE} was answered ({@link #serverTurnedReadOnly}); null otherwise.
     */
    private String turnedReadOnlyOn;
    /** The COMMIT or ROLLBACK that ends the transaction, once submitted ({@link #endedBy}). */
    private Exchange end;

    /**
     * {@code sql}: the BEGIN, with the transaction's options ({@code TransactionOptions.beginSql()}); {@code readWrite}:
     * those options said {@code READ WRITE} — carried, not read from the text.
     */
    public DeferredBegin(String sql, boolean readWrite) {
        this.sql = sql;
        this.readWrite = readWrite;
    }

    /** The BEGIN text, for a BEGIN of its own in front of an exchange that cannot carry it. */
    public String sql() {
        return sql;
    }

    /** Whether any exchange belongs to it: nothing did means nothing was sent, and its end sends nothing either. */
    public boolean joined() {
        return joined;
    }

    /** Whether its carrier was chosen. */
    public boolean claimed() {
        return carrier != null;
    }

    /** Whether the BEGIN was answered with success. */
    public boolean begun() {
        return begun;
    }

    /** Whether the BEGIN failed: what belongs to the transaction is refused ({@link #refusal}). Any thread. */
    public boolean failed() {
        return failure != null;
    }

    /** Whether the BEGIN was answered with success and nothing of the transaction may run: {@link #serverTurnedReadOnly}. */
    public boolean begunButRefused() {
        return begun && failure != null;
    }

    /**
     * Event loop, when the carrier's ReadyForQuery came and before {@link #settle}: the server had reported {@code
     * default_transaction_read_only=on} by then — in the carrier's answer or earlier, its own change (a reload:
     * docs/r2dbc.md §4), and none back to off since — and the session's target is {@code read-write}. PostgreSQL applies a
     * reload when the session's next message arrives, so this BEGIN may have run after it: a {@code BEGIN READ WRITE}
     * overrides that default, and the server takes the transaction's writes although it turned read-only (NEW-USER-31 F3).
     * Such a transaction is not committed: once the BEGIN is answered nothing more of it is written, each later exchange
     * of it fails with {@link #refusal}, and its end is a ROLLBACK — a commit fails after it. A BEGIN without {@code READ
     * WRITE} in its options needs none of this: the server runs it read-only. Ignored once the BEGIN's answer came.
     */
    public void serverTurnedReadOnly(String host) {
        if (carrier != null && !settled && readWrite) {
            turnedReadOnlyOn = host;
        }
    }

    /** {@code end} ends the transaction ({@code COMMIT} or {@code ROLLBACK}): one refused by the client is rolled back. */
    public void endedBy(Exchange end) {
        this.end = end;
    }

    /** Whether {@code exchange} is the transaction's end ({@link #endedBy}). */
    public boolean isEnd(Exchange exchange) {
        return end == exchange;
    }

    /** {@code exchange} belongs to the transaction; the first one is its carrier (or goes behind a BEGIN of its own). */
    public void join(Exchange exchange) {
        joined = true;
        exchange.joinTransaction(this);
    }

    /** {@code carrier} writes the BEGIN: in front of its messages, or as itself (a BEGIN of its own). */
    public void carriedBy(Exchange carrier, boolean inFront) {
        this.carrier = carrier;
        if (inFront) {
            carrier.carryBegin(this);
        }
    }

    /** Whether {@code exchange} writes the BEGIN. */
    public boolean carrier(Exchange exchange) {
        return carrier == exchange;
    }

    /**
     * The BEGIN's messages in front of the carrier's: Parse, Bind, Execute on the unnamed statement and portal, no Sync —
     * behind the carrier's leading {@code Close}s of evicted cached statements, which must not be skipped when the BEGIN
     * fails (StatementCache: a queued Close goes before anything an error could skip; REVIEW-26 R26-6).
     */
    FrontendMessage inFrontOf(FrontendMessage carrierMessages) {
        FrontendMessage parse = new Parse("", sql, NO_TYPES);
        FrontendMessage bind = new Bind("", "", NO_FORMATS, NO_VALUES, NO_FORMATS);
        if (carrierMessages instanceof MessageSequence sequence) {
            List<FrontendMessage> own = sequence.messages();
            int closes = 0;
            while (closes < own.size() && own.get(closes) instanceof Close) {
                closes++;
            }
            if (closes > 0) {
                List<FrontendMessage> all = new ArrayList<>(own.size() + 3);
                all.addAll(own.subList(0, closes));
                all.add(parse);
                all.add(bind);
                all.add(Execute.ALL_ROWS);
                all.addAll(own.subList(closes, own.size()));
                return new MessageSequence(all);
            }
        }
        return MessageSequence.of(parse, bind, Execute.ALL_ROWS, carrierMessages);
    }

    /**
     * An answer read for the carrier while the BEGIN in front of it is not answered yet: its ParseComplete,
     * BindComplete and CommandComplete are the BEGIN's and taken here (true); an ErrorResponse is the BEGIN's
     * failure, recorded and left to the carrier as its own (false): the server skipped the carrier's statement to the
     * Sync, so the carrier fails with the BEGIN's error.
     */
    boolean takes(BackendMessage message) {
        if (answersRead == 3 || failure != null) {
            return false;
        }
        if (message instanceof ErrorResponse) {
            return false; // recorded by the FIFO at the carrier's ReadyForQuery (settle), from the carrier's error
        }
        if (message instanceof ParseComplete || message instanceof BindComplete
                || (message instanceof CommandComplete && answersRead == 2)) {
            if (++answersRead == 3) {
                begun = true;
            }
            return true;
        }
        return false;
    }

    /**
     * The carrier's ReadyForQuery came: the outcome is known. Carried in front: begun when the BEGIN's CommandComplete
     * was read, else failed with the carrier's error (the BEGIN's: the server skipped the rest). A BEGIN of its own:
     * begun when the transaction is open after it.
     *
     * @return whether the transaction began and may go on (not so when {@link #serverTurnedReadOnly})
     */
    public boolean settle(Exchange carrier, char status, String host) {
        settled = true;
        if (!carrier.carriesBegin()) {
            begun = status != 'I' && carrier.failedOnServer() == null;
        }
        if (!begun) {
            PgException error = carrier.failedOnServer();
            failure = error != null ? error : new PgProtocolException(host, "server " + host
                    + " answered the transaction's BEGIN neither with success nor with an error");
        } else if (turnedReadOnlyOn != null) {
            failure = turnedReadOnly();
        }
        return failure == null;
    }

    private PgServerTurnedReadOnlyException turnedReadOnly() {
        return PgServerTurnedReadOnlyException.notCommitted(turnedReadOnlyOn);
    }

    /**
     * The error an exchange of a transaction whose BEGIN failed is refused with, unwritten: the BEGIN's, as the server
     * would have answered it had it been sent behind the BEGIN (a fresh exception each: callers may add to it).
     */
    public PgException refusal(QuerySession session) {
        if (begunButRefused()) {
            return turnedReadOnly();
        }
        PgException error = failure;
        return error.serverFields() != null ? session.serverError(error.serverFields(), false) : error;
    }
}
