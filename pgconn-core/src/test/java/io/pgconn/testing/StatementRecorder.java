package io.pgconn.testing;

import io.pgconn.trace.PgTracer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tracer that follows every statement and keeps its start and end events in the order they came. */
public final class StatementRecorder implements PgTracer {

    private final List<StatementStarted> starts = new CopyOnWriteArrayList<>();
    private final List<StatementEnded> ends = new CopyOnWriteArrayList<>();
    /** The threads statementStarted was called on, in order. */
    private final List<Thread> startThreads = new CopyOnWriteArrayList<>();

    @Override
    public StatementSpan statementStarted(StatementStarted event) {
        starts.add(event);
        startThreads.add(Thread.currentThread());
        return ends::add;
    }

    public List<StatementStarted> starts() {
        return List.copyOf(starts);
    }

    public List<StatementEnded> ends() {
        return List.copyOf(ends);
    }

    public List<Thread> startThreads() {
        return List.copyOf(startThreads);
    }

    /** The one statement ended so far. */
    public StatementEnded onlyEnd() {
        if (ends.size() != 1) {
            throw new AssertionError("expected one statement end, got " + ends);
        }
        return ends.get(0);
    }

    public void clear() {
        starts.clear();
        ends.clear();
        startThreads.clear();
    }
}
