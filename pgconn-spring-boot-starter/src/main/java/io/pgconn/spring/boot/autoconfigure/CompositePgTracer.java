package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.FatalErrors;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.SafeTracer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Hands every event to each tracer in order; one that throws does not keep the others from seeing it. */
final class CompositePgTracer implements PgTracer {

    private final List<PgTracer> tracers;

    private CompositePgTracer(List<PgTracer> tracers) {
        this.tracers = List.copyOf(tracers);
    }

    static PgTracer of(List<PgTracer> tracers) {
        return switch (tracers.size()) {
            case 0 -> PgTracer.noop();
            case 1 -> tracers.get(0);
            default -> new CompositePgTracer(tracers);
        };
    }

    private void each(Consumer<PgTracer> call) {
        tracers.forEach(tracer -> SafeTracer.run(tracer, call)); // one that throws does not silence the others
    }

    @Override
    public void connectStarted(ConnectStarted event) {
        each(t -> t.connectStarted(event));
    }

    @Override
    public void hostAttemptStarted(HostAttemptStarted event) {
        each(t -> t.hostAttemptStarted(event));
    }

    @Override
    public void hostAttemptEnded(HostAttemptEnded event) {
        each(t -> t.hostAttemptEnded(event));
    }

    @Override
    public void connectEnded(ConnectEnded event) {
        each(t -> t.connectEnded(event));
    }

    @Override
    public void insecureAuthentication(InsecureAuthentication event) {
        each(t -> t.insecureAuthentication(event));
    }

    @Override
    public void connectionClosed(ConnectionClosed event) {
        each(t -> t.connectionClosed(event));
    }

    @Override
    public void factoryClosed(FactoryClosed event) {
        each(t -> t.factoryClosed(event));
    }

    /**
     * Each tracer that follows the statement gets its end; one whose start or end throws does not silence the others.
     * One tracer following it (the common case: the statement observation) is handed back as it is, with no list.
     */
    @Override
    public StatementSpan statementStarted(StatementStarted event) {
        StatementSpan first = null;
        List<StatementSpan> spans = null;
        for (PgTracer tracer : tracers) {
            try {
                StatementSpan span = tracer.statementStarted(event);
                if (span == null) {
                    continue;
                }
                if (first == null) {
                    first = span;
                } else {
                    if (spans == null) {
                        spans = new ArrayList<>(tracers.size());
                        spans.add(first);
                    }
                    spans.add(span);
                }
            } catch (VirtualMachineError fatal) {
                FatalErrors.handToTheThread(fatal);
            } catch (Throwable ignored) {
                // as SafeTracer: a tracer must not change the outcome of a statement
            }
        }
        if (spans == null) {
            return first;
        }
        List<StatementSpan> all = spans;
        return ended -> all.forEach(span -> {
            try {
                span.ended(ended);
            } catch (VirtualMachineError fatal) {
                FatalErrors.handToTheThread(fatal);
            } catch (Throwable ignored) {
                // the next span still hears the end
            }
        });
    }
}
