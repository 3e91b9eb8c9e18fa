package io.pgconn.internal.query;

import io.pgconn.query.Segment;

import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A {@link StatementRun} a tracer follows (docs/query.md §8). A subclass, not a field of every run: a connection
 * without a tracer makes its runs no larger than before (a reference more would add 8 bytes to each with the object
 * alignment).
 */
final class TracedStatementRun extends StatementRun {

    private final TracedStatement traced;

    TracedStatementRun(QuerySession session, Flow.Subscriber<? super Segment> downstream, StatementPlan plan,
                       Function<StatementRun, DrivenExchange> first, boolean errorInOrder, TracedStatement traced) {
        super(session, downstream, plan, first, errorInOrder);
        this.traced = traced;
    }

    @Override
    TracedStatement traced() {
        return traced;
    }
}
