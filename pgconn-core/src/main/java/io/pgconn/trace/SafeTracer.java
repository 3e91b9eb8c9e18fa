package io.pgconn.trace;

import io.pgconn.FatalErrors;

import java.util.function.Consumer;

/**
 * Calls a user tracer so that its failures never break a connect: whatever it throws, exceptions and errors
 * alike, is swallowed; a {@link VirtualMachineError} goes to the thread's uncaught-exception handler
 * ({@link FatalErrors}), the connect going on.
 */
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
        } catch (VirtualMachineError fatal) {
            FatalErrors.handToTheThread(fatal);
        } catch (Throwable ignored) {
            // a tracer must not change the outcome of a connect
        }
    }
}
