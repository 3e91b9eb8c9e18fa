package io.pgconn.internal.session;

import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.ServerErrorFields;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One simple-query round trip in flight: gathers rows until ReadyForQuery. Used on the event loop only. */
final class SimpleQuery {

    final String sql;
    final CompletableFuture<QueryResult> result = new CompletableFuture<>();
    private List<String> columns = List.of();
    private List<List<String>> rows = new ArrayList<>();
    private QueryResult last;
    private PgException error;

    SimpleQuery(String sql) {
        this.sql = sql;
    }

    void rowDescription(RowDescription description) {
        columns = description.columns().stream().map(RowDescription.Column::name).toList();
        rows = new ArrayList<>();
    }

    void dataRow(DataRow row) {
        rows.add(row.values());
    }

    void commandComplete(CommandComplete complete) {
        last = new QueryResult(columns, rows, complete.tag());
        columns = List.of();
        rows = new ArrayList<>();
    }

    void emptyQuery() {
        last = new QueryResult(List.of(), List.of(), "");
    }

    void error(String host, ServerErrorFields fields) {
        if (error == null) {
            error = PgErrors.fromServer(host, fields, false);
        }
    }

    void fail(PgException e) {
        if (error == null) {
            error = e;
        }
    }

    /** ReadyForQuery: the round trip is over. */
    void ready() {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(last != null ? last : new QueryResult(List.of(), List.of(), ""));
        }
    }
}
