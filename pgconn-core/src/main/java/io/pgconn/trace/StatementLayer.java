package io.pgconn.trace;

/**
 * Implemented by a {@code Flow.Subscriber} of a statement's results ({@code PgStatement.execute()},
 * {@code PgConnection.script}) that belongs to a layer over the core: its name is the statement's
 * {@link PgTracer.StatementStarted#layer()}, so a tracer can tell the layer's statements from the core
 * API's (the starter leaves pgconn-r2dbc's to r2dbc-proxy's {@code r2dbc.query} observation when that is
 * active, docs/starter.md §4). Read once per statement, only when a tracer is set.
 */
public interface StatementLayer {

    /** A short constant name, e.g. {@code "r2dbc"}. */
    String statementLayer();
}
