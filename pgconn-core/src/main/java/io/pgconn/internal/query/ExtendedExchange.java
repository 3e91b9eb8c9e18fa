package io.pgconn.internal.query;

import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.protocol.backend.BackendMessage;
import io.pgconn.protocol.backend.BindComplete;
import io.pgconn.protocol.backend.CloseComplete;
import io.pgconn.protocol.backend.CommandComplete;
import io.pgconn.protocol.backend.DataRow;
import io.pgconn.protocol.backend.EmptyQueryResponse;
import io.pgconn.protocol.backend.ErrorResponse;
import io.pgconn.protocol.backend.NoData;
import io.pgconn.protocol.backend.ParameterDescription;
import io.pgconn.protocol.backend.ParseComplete;
import io.pgconn.protocol.backend.PortalSuspended;
import io.pgconn.protocol.backend.RowDescription;
import io.pgconn.protocol.frontend.Bind;
import io.pgconn.protocol.frontend.Close;
import io.pgconn.protocol.frontend.Describe;
import io.pgconn.protocol.frontend.Execute;
import io.pgconn.protocol.frontend.Flush;
import io.pgconn.protocol.frontend.FrontendMessage;
import io.pgconn.protocol.frontend.MessageSequence;
import io.pgconn.protocol.frontend.Parse;
import io.pgconn.protocol.frontend.Sync;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.CommandResult;
import io.pgconn.query.RowMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * One attempt at running a {@link StatementPlan} with the extended query protocol:
 * <pre>
 *   [Close S stale]* [Parse, Describe S]   (Parse + Describe only when the statement is not cached)
 *   (Bind, [Describe P], Execute)*          (one per parameter set; Describe P only for an unnamed statement)
 *   Sync                                    (or Flush when paging with a fetch size: Sync follows the last page)
 * </pre>
 * Row types come from the cached statement's description, so a cached statement is not described
 * again. The answers are checked against what was sent: a DataRow without a description, or with
 * another column count, is a protocol error that ends the connection.
 */
final class ExtendedExchange extends Exchange {

    private static final RowDescription NO_ROWS = new RowDescription(List.of());
    private static final RowMetadata NO_COLUMNS = new RowMetadata(List.of());

    private final StatementRun run;
    private final StatementPlan plan;
    private final int attempt;
    private final boolean paged;
    private QuerySession session;
    private StatementCache.Entry entry;
    private boolean creator;
    private boolean unnamed;
    private boolean awaitingStatementDescription;
    private short[] resultFormats;
    private RowMetadata metadata;
    private boolean metadataEmitted;
    private int expectedCloses;
    private PgException error;
    private boolean syncSent;
    private boolean suspended;
    private boolean aborted;
    private boolean cancelWhenHead;
    private boolean done;
    private long rowsInExecution;

    ExtendedExchange(StatementRun run, StatementPlan plan, int attempt) {
        this.run = run;
        this.plan = plan;
        this.attempt = attempt;
        this.paged = plan.paged();
    }

    int attempt() {
        return attempt;
    }

    @Override
    public boolean holdsWrites() {
        return paged; // the portal lives until our Sync: nothing else may run in its implicit transaction
    }

    @Override
    public FrontendMessage messages(QuerySession session) {
        this.session = session;
        StatementCache cache = session.statementCache();
        List<FrontendMessage> out = new ArrayList<>(5 + 3 * plan.sets().size());
        for (String stale : cache.drainToClose()) {
            out.add(Close.statement(stale));
            expectedCloses++;
        }
        String statement;
        RowDescription known = null;
        if (cache.enabled()) {
            entry = cache.get(plan.sql(), plan.typeOids());
            if (entry == null) {
                entry = cache.create(plan.sql(), plan.typeOids());
                creator = true;
                awaitingStatementDescription = true;
                out.add(new Parse(entry.name, plan.sql(), plan.typeOids()));
                out.add(Describe.statement(entry.name));
            } else {
                known = entry.description; // null while an exchange ahead of us still waits for it
            }
            statement = entry.name;
        } else {
            unnamed = true;
            statement = "";
            out.add(new Parse("", plan.sql(), plan.typeOids()));
        }
        resultFormats = known == null ? new short[0] : formatsFor(known, session.codecs());
        for (int i = 0; i < plan.sets().size(); i++) {
            BoundParams params = plan.sets().get(i);
            out.add(new Bind("", statement, params.formats(), params.values(), resultFormats));
            if (unnamed && i == 0) {
                out.add(Describe.portal(""));
            }
            out.add(new Execute("", paged ? plan.fetchSize() : 0));
        }
        if (paged) {
            out.add(Flush.INSTANCE);
        } else {
            out.add(Sync.INSTANCE);
            syncSent = true;
        }
        return new MessageSequence(out);
    }

    private static short[] formatsFor(RowDescription description, ValueCodecs codecs) {
        List<RowDescription.Column> columns = description.columns();
        short[] formats = new short[columns.size()];
        boolean anyBinary = false;
        for (int i = 0; i < formats.length; i++) {
            formats[i] = codecs.resultFormat(columns.get(i).typeOid());
            anyBinary |= formats[i] != 0;
        }
        return anyBinary ? formats : new short[0];
    }

    @Override
    public void onMessage(BackendMessage message) {
        if (message instanceof DataRow row) {
            dataRow(row);
        } else if (message instanceof BindComplete) {
            bindComplete();
        } else if (message instanceof CommandComplete complete) {
            if (!aborted) {
                emitHeader();
                run.emit(paged && complete.tag().startsWith("SELECT ")
                        ? CommandResult.of("SELECT " + rowsInExecution) // the server counts only the last page
                        : CommandResult.of(complete.tag()));
            }
            if (paged && !syncSent) {
                sendSync(false);
            }
        } else if (message instanceof ParseComplete) {
            if (entry != null && creator) {
                entry.parsed = true;
            }
        } else if (message instanceof ParameterDescription) {
            // the types were chosen by us or inferred by the server; values are already encoded
        } else if (message instanceof RowDescription description) {
            described(description);
        } else if (message instanceof NoData) {
            described(NO_ROWS);
        } else if (message instanceof PortalSuspended) {
            portalSuspended();
        } else if (message instanceof CloseComplete) {
            if (--expectedCloses < 0) {
                throw unexpected(message);
            }
        } else if (message instanceof EmptyQueryResponse) {
            if (!aborted) {
                run.emit(CommandResult.of(""));
            }
        } else if (message instanceof ErrorResponse response) {
            serverError(response);
        } else {
            throw unexpected(message);
        }
    }

    private void described(RowDescription description) {
        if (awaitingStatementDescription) {
            awaitingStatementDescription = false;
            entry.description = description;
        } else if (unnamed && metadata == null) {
            metadata = metadataOf(description, null);
        } else {
            throw unexpected(description);
        }
    }

    private void bindComplete() {
        metadataEmitted = false;
        rowsInExecution = 0;
        if (unnamed) {
            return; // the portal's Describe answers next
        }
        RowDescription description = entry.description;
        if (description == null) {
            throw new PgProtocolException(session.host(), "server " + session.host()
                    + " sent BindComplete for statement " + entry.name + " before describing its rows");
        }
        if (entry.metadata == null || !java.util.Arrays.equals(entry.metadataFormats, resultFormats)) {
            entry.metadata = metadataOf(description, resultFormats); // built once per statement, not per execution
            entry.metadataFormats = resultFormats;
        }
        metadata = entry.metadata;
    }

    private void dataRow(DataRow row) {
        if (metadata == null || metadata.size() == 0) {
            throw new PgProtocolException(session.host(), "server " + session.host()
                    + " sent DataRow without a RowDescription for the statement");
        }
        if (row.columnCount() != metadata.size()) {
            throw new PgProtocolException(session.host(), "server " + session.host() + " sent DataRow with "
                    + row.columnCount() + " columns, but the RowDescription has " + metadata.size());
        }
        if (aborted) {
            return;
        }
        emitHeader();
        rowsInExecution++;
        run.emit(new DefaultRow(metadata, row, session.codecs()));
    }

    private void emitHeader() {
        if (!metadataEmitted && metadata != null && metadata.size() > 0) {
            metadataEmitted = true;
            run.emit(metadata);
        }
    }

    private void portalSuspended() {
        if (!paged) {
            throw new PgProtocolException(session.host(), "server " + session.host()
                    + " sent PortalSuspended for an Execute without a row limit");
        }
        if (syncSent) {
            return;
        }
        if (run.wantsMore()) {
            session.write(new MessageSequence(List.of(new Execute("", plan.fetchSize()), Flush.INSTANCE)));
        } else {
            suspended = true;
        }
    }

    /** The subscriber asked for more: under paging, fetch the next page if the server is waiting. */
    void onDemand() {
        if (suspended && !syncSent && run.wantsMore()) {
            suspended = false;
            session.write(new MessageSequence(List.of(new Execute("", plan.fetchSize()), Flush.INSTANCE)));
        }
    }

    private void serverError(ErrorResponse response) {
        if (error == null) {
            error = PgErrors.fromServer(session.host(), response.fields(), false);
        }
        if (entry != null && (staleStatement(error) || (creator && !entry.parsed))) {
            session.statementCache().invalidate(entry);
        }
        if (paged && !syncSent) {
            sendSync(false); // the server skips to the Sync we have not written yet
        }
    }

    /** 26000: the named statement is gone (DISCARD ALL, DEALLOCATE); 0A000: its plan's result type changed. */
    private static boolean staleStatement(PgException error) {
        String code = error.serverFields().code();
        String message = error.serverFields().message();
        return "26000".equals(code)
                || ("0A000".equals(code) && message != null && message.contains("cached plan must not change result type"));
    }

    private void sendSync(boolean closePortal) {
        syncSent = true;
        if (closePortal) {
            expectedCloses++;
            session.write(new MessageSequence(List.of(Close.portal(""), Sync.INSTANCE)));
        } else {
            session.write(Sync.INSTANCE);
        }
        session.releaseWrites(this);
    }

    /** Cancel or timeout: stop the server's work; rows still arriving are dropped. */
    void abort() {
        if (done || aborted) {
            return;
        }
        aborted = true;
        if (session == null) {
            return; // not written yet: it runs, but its rows are dropped and it ends quickly
        }
        if (paged) {
            if (!syncSent) {
                sendSync(true); // closes the portal: the server's work ends with the page in progress
            }
        } else if (session.isHead(this)) {
            session.requestCancel();
        } else {
            cancelWhenHead = true;
        }
    }

    @Override
    public void becameHead() {
        if (cancelWhenHead && !done) {
            cancelWhenHead = false;
            session.requestCancel();
        }
    }

    @Override
    public void onReady(char status) {
        done = true;
        if (error == null) {
            run.complete();
        } else if (attempt == 0 && entry != null && staleStatement(error) && status == 'I' && !run.emittedAny()
                && !run.cancelled()) {
            // outside a transaction block the failed attempt changed nothing: run it again, re-prepared
            run.retry(this);
        } else {
            run.error(error);
        }
    }

    @Override
    public void fail(PgException failure) {
        done = true;
        run.error(failure);
    }

    private PgProtocolException unexpected(BackendMessage message) {
        return new PgProtocolException(session.host(), "server " + session.host() + " sent unexpected "
                + message.getClass().getSimpleName() + " in an extended query exchange");
    }

    private static RowMetadata metadataOf(RowDescription description, short[] formats) {
        if (description.columns().isEmpty()) {
            return NO_COLUMNS;
        }
        List<ColumnMetadata> columns = new ArrayList<>(description.columns().size());
        for (int i = 0; i < description.columns().size(); i++) {
            RowDescription.Column c = description.columns().get(i);
            short format = formats == null ? c.format() : formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[i];
            columns.add(new ColumnMetadata(c.name(), c.typeOid(), c.typeModifier(), c.typeSize(), c.tableOid(),
                    c.columnNumber(), format));
        }
        return new RowMetadata(columns);
    }
}
