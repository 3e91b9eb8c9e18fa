package io.pgconn.query;

/**
 * One item of a statement's result stream, in protocol order. For each execution (one per bound
 * parameter set): a {@link RowMetadata} when the statement returns rows, its {@link Row}s, then one
 * {@link CommandResult}. A batch of N parameter sets yields N such groups.
 */
public sealed interface Segment permits RowMetadata, Row, CommandResult {
}
