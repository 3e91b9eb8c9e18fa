package io.pgconn.r2dbc;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Result;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;

/**
 * Statements without parameters, run as one script (PostgreSQL's semantics: one implicit transaction
 * outside a transaction, stopping at the first error; docs/r2dbc.md §2): one {@link Result} per statement.
 */
final class PgConnR2dbcBatch implements Batch {

    private final PgConnR2dbcConnection connection;
    /** The connection's lend this batch was made in: it fails once the connection went back to its pool since. */
    private final int lend;
    private final List<String> statements = new ArrayList<>();

    PgConnR2dbcBatch(PgConnR2dbcConnection connection) {
        this.connection = connection;
        this.lend = connection.lend();
    }

    @Override
    public Batch add(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        statements.add(sql);
        return this;
    }

    @Override
    public Flux<Result> execute() {
        if (statements.isEmpty()) {
            return Flux.empty();
        }
        return connection.executeScript(List.copyOf(statements), lend);
    }
}
