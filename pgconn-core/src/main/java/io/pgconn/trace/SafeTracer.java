package io.pgconn.trace;

import java.util.function.Consumer;

/** Calls a user tracer so that its failures never break a connect. */
public final class SafeTracer {

    private SafeTracer() {
    }

    /** Calls {@code call} on the tracer, swallowing anything it throws. */
    public static void run(PgTracer tracer, Consumer<PgTracer> call) {
        if (tracer == PgTracer.noop()) {
            return;
        }
        try {
            call.accept(tracer);
        } catch (RuntimeException ignored) {
            // a tracer must not change the outcome of a connect
        }
    }
}
