package io.pgconn.internal.query;

import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.CommandResult;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.Segment;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The segments of one result as its run gets them, in order: the result's {@link RowMetadata} once,
 * before its first row or its {@link CommandResult} (none for a result without columns), then each
 * DataRow, checked against that description — a row without one, or with another column count, breaks
 * the protocol — and decoded as the subscriber reads it. Shared by the exchanges a {@link StatementRun}
 * drives ({@link ExtendedExchange}, {@link ScriptExchange}). Event loop only.
 */
final class ResultSegments {

    /** The run's {@code emit}. */
    private final Consumer<Segment> run;
    private final String host;
    /** Names the statement whose answer is read, for a protocol error ("the statement", "statement 2 of a script"). */
    private final Supplier<String> statement;
    private boolean metadataEmitted;
    private long rows;

    ResultSegments(Consumer<Segment> run, String host, Supplier<String> statement) {
        this.run = run;
        this.host = host;
        this.statement = statement;
    }

    /** The next result begins (a Bind's answer, a script's next statement): its header is still to come. */
    void nextResult() {
        metadataEmitted = false;
        rows = 0;
    }

    /** Rows of the current result read so far (the run's, not the server's count, which is a page's). */
    long rows() {
        return rows;
    }

    /**
     * A DataRow of the current result described by {@code metadata}: checked, then handed on (after the
     * header) unless the run was {@code aborted}, whose rows are read past.
     */
    void row(DataRow row, RowMetadata metadata, ValueCodecs.RowDecoder decoder, boolean aborted) {
        if (metadata == null || metadata.size() == 0) {
            throw new PgProtocolException(host, "server " + host + " sent DataRow without a RowDescription for "
                    + statement.get());
        }
        if (row.columnCount() != metadata.size()) {
            throw new PgProtocolException(host, "server " + host + " sent DataRow with "
                    + row.columnCount() + " columns, but the RowDescription has " + metadata.size());
        }
        if (aborted) {
            return;
        }
        header(metadata);
        rows++;
        run.accept(new DefaultRow(metadata, row, decoder));
    }

    /** The current result ended with {@code result}; its header first, if it has columns and none went yet. */
    void end(RowMetadata metadata, CommandResult result) {
        header(metadata);
        run.accept(result);
    }

    private void header(RowMetadata metadata) {
        if (!metadataEmitted && metadata != null && metadata.size() > 0) {
            metadataEmitted = true;
            run.accept(metadata);
        }
    }
}
