package io.pgconn.testing;

import io.pgconn.trace.PgTracer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tracer that keeps every event, for assertions on what a connect did. */
public final class RecordingTracer implements PgTracer {

    private final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void connectStarted(ConnectStarted event) {
        events.add(event);
    }

    @Override
    public void hostAttemptStarted(HostAttemptStarted event) {
        events.add(event);
    }

    @Override
    public void hostAttemptEnded(HostAttemptEnded event) {
        events.add(event);
    }

    @Override
    public void connectEnded(ConnectEnded event) {
        events.add(event);
    }

    @Override
    public void insecureAuthentication(InsecureAuthentication event) {
        events.add(event);
    }

    @Override
    public void connectionClosed(ConnectionClosed event) {
        events.add(event);
    }

    public List<Object> events() {
        return List.copyOf(events);
    }

    public <T> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public void clear() {
        events.clear();
    }
}
