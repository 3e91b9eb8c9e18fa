package io.pgconn.internal.query;

import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.Bind;
import io.pgconn.internal.protocol.frontend.BindNames;
import io.pgconn.internal.protocol.frontend.Close;
import io.pgconn.internal.protocol.frontend.Describe;
import io.pgconn.internal.protocol.frontend.Execute;
import io.pgconn.internal.protocol.frontend.Flush;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Parse;
import io.pgconn.internal.protocol.frontend.Sync;
import io.pgconn.query.RowMetadata;

import java.util.List;

/**
 * What one {@link ExtendedExchange} writes (this is its write side; the subclass reads the answers,
 * so one object per attempt), and what it was written with: the statement (a cached
 * named one, or the unnamed one), and the row types and result formats its Bind phase used. The
 * first write is the Closes of evicted statements, a Parse for a statement the server does not have
 * yet, then a Describe and Flush while the row types are unknown, else the Bind phase at once; the
 * Bind phase is Bind and Execute per parameter set, then a Sync, or a Flush when paged or a possible
 * COPY (the exchange writes the Sync later). Event loop only.
 */
abstract class ExtendedRequest extends DrivenExchange {

    private final StatementPlan requestPlan;
    /** COPY may start: later requests wait for our ReadyForQuery, so a CopyInResponse can be refused. */
    final boolean mayCopy;
    /** Paged or a possible COPY: the Bind phase ends with a Flush, the exchange writes the Sync later. */
    private final boolean syncLater;
    /** The cache entry of the named statement; null when the cache is off (the unnamed statement). */
    private StatementCache.Entry entry;
    /** This request created {@link #entry}: its Parse is in the first write. */
    private boolean creator;
    private String statement;
    private RowDescription description;
    private RowMetadata metadata;
    private ValueCodecs.RowDecoder rowDecoder;

    ExtendedRequest(StatementPlan plan, boolean mayCopy) {
        this.requestPlan = plan;
        this.mayCopy = mayCopy;
        this.syncLater = plan.paged() || mayCopy;
    }

    /** One statement's text (the extended protocol takes one): whether it may end a transaction is read from it. */
    @Override
    public final boolean mayEndTransaction() {
        return TransactionEndText.mayEnd(requestPlan.sql());
    }

    /** One statement's text: whether it may commit inside itself ({@link TransactionalText}). */
    @Override
    public final boolean mayCommitInside() {
        return TransactionalText.mayCommitInside(requestPlan.sql());
    }

    @Override
    public final String text() {
        return requestPlan.sql();
    }

    /**
     * The first write: {@code staleNames}' Closes, the Parse if needed, then the Bind phase when the
     * row types are known ({@link #describingFirst()} is false then), else Describe and Flush.
     */
    final FrontendMessage firstWrite(QuerySession session, List<String> staleNames) {
        StatementCache cache = session.statementCache();
        boolean parse;
        if (cache.enabled()) {
            entry = cache.get(requestPlan.sql(), requestPlan.typeOids());
            if (entry == null) {
                entry = cache.create(requestPlan.sql(), requestPlan.typeOids());
                creator = true;
            }
            statement = entry.name;
            description = entry.description;
            parse = creator;
        } else {
            statement = "";
            parse = true;
        }
        // sized exactly: the array becomes the MessageSequence as it is
        int size = staleNames.size() + (parse ? 1 : 0) + (description == null ? 2 : bindPhaseSize());
        FrontendMessage[] out = new FrontendMessage[size];
        int n = 0;
        for (int i = 0, stale = staleNames.size(); i < stale; i++) { // indexed: no iterator per statement
            out[n++] = Close.statement(staleNames.get(i));
        }
        if (parse) {
            out[n++] = new Parse(statement, requestPlan.sql(), NullTestedParameters.declared(requestPlan.sql(), requestPlan.typeOids(),
                    session.sqlShapes().standardConformingStrings()));
        }
        if (description == null) {
            out[n++] = Describe.statement(statement);
            out[n] = Flush.INSTANCE;
        } else {
            appendBindPhase(session, out, n);
        }
        return MessageSequence.of(out);
    }

    /** The Bind phase, once the statement's row types came ({@code rows}: none for a statement without rows). */
    final FrontendMessage bindPhase(QuerySession session, RowDescription rows) {
        rememberDescription(rows);
        FrontendMessage[] out = new FrontendMessage[bindPhaseSize()];
        appendBindPhase(session, out, 0);
        return MessageSequence.of(out);
    }

    /** The row types came, but no Bind phase follows (the exchange was aborted meanwhile). */
    final void rememberDescription(RowDescription rows) {
        description = rows;
        if (entry != null) {
            entry.description = rows;
        }
    }

    /** The first write asked for the row types: the Bind phase waits for them. */
    final boolean describingFirst() {
        return description == null;
    }

    /** Whether the Bind phase ends with the Sync (else with a Flush: paged, or a possible COPY). */
    final boolean bindPhaseSyncs() {
        return !syncLater;
    }

    /** Bind and Execute per parameter set, then a Sync or a Flush. */
    private int bindPhaseSize() {
        return 2 * requestPlan.sets().size() + 1;
    }

    /** Bind and Execute per parameter set from {@code out[n]} on, with result formats from the known description. */
    private void appendBindPhase(QuerySession session, FrontendMessage[] out, int n) {
        ValueCodecs codecs = session.codecs();
        short[] resultFormats;
        if (entry != null) {
            ResultShape.refresh(entry, description, codecs, session.host());
            resultFormats = entry.metadataFormats; // never written to: shared by the statement's executions
            metadata = entry.metadata;
            rowDecoder = entry.rowDecoder;
        } else {
            ResultShape shape = ResultShape.of(description, codecs, session.host());
            resultFormats = shape.formats();
            metadata = shape.metadata();
            rowDecoder = shape.rowDecoder();
        }
        BindNames names = entry != null ? entry.bindNames() : BindNames.UNNAMED;
        Execute execute = requestPlan.paged() ? new Execute("", requestPlan.fetchSize()) : Execute.ALL_ROWS;
        List<BoundParams> sets = requestPlan.sets(); // immutable lists, read by index: no iterator per statement
        for (int i = 0, count = sets.size(); i < count; i++) {
            BoundParams params = sets.get(i);
            out[n++] = new Bind(names, params.formats(), params.values(), resultFormats);
            out[n++] = execute;
        }
        // a COPY: the Sync is written only in reply (CopyFail+Sync, or after its end or error).
        // A Sync written now would be skipped in copy-in mode — unless a cancel's error lands
        // right after the CopyInResponse: the server then answers that Sync, and our CopyFail's
        // Sync a second time, and one ReadyForQuery too many puts the FIFO out of step
        out[n] = syncLater ? Flush.INSTANCE : Sync.INSTANCE;
    }

    /** The cache entry written with; null without the cache. */
    final StatementCache.Entry entry() {
        return entry;
    }

    final boolean creator() {
        return creator;
    }

    /** The rows' metadata of the Bind phase written; null before it. */
    final RowMetadata metadata() {
        return metadata;
    }

    final ValueCodecs.RowDecoder rowDecoder() {
        return rowDecoder;
    }
}
