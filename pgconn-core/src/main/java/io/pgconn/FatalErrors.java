package io.pgconn;

/**
 * The one rule for what pgconn's guards let through. A guard around other code — an application's
 * callback ({@link NotificationListener}, {@code SubscriptionEvents}), or a connect step that may hit a
 * bug — catches what that code throws, exceptions and errors alike ({@link LinkageError} from a class
 * that would not load included), and makes it its own outcome: logged and ignored, or the step's
 * failure. Except a {@link VirtualMachineError} (OutOfMemoryError, StackOverflowError, InternalError):
 * after one nothing is reliable, so it goes on up the thread, as the JVM's own handling expects.
 * Public because the API's guards ({@code io.pgconn.notify}) and the internal ones share it; an
 * application's own guards may follow it too.
 */
public final class FatalErrors {

    private FatalErrors() {
    }

    /** Whether no guard may catch {@code thrown}: a {@link VirtualMachineError}. */
    public static boolean isFatal(Throwable thrown) {
        return thrown instanceof VirtualMachineError;
    }

    /** Throws {@code thrown} when it is {@linkplain #isFatal fatal}; returns otherwise, for the guard to handle it. */
    public static void throwIfFatal(Throwable thrown) {
        if (thrown instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /**
     * Hands {@code fatal} to the running thread's uncaught-exception handler, for a guard whose throwing it on
     * would not get it up the thread: on an event loop (Netty catches whatever a handler or a loop task throws —
     * a handler's into its {@code exceptionCaught}, a task's into a log line — and the loop must live on to end
     * its other channels) or in a {@link java.util.concurrent.CompletableFuture}'s callback (which keeps it in a
     * future nobody reads). The handler is the application's ({@link Thread#setDefaultUncaughtExceptionHandler},
     * or the thread's own, e.g. the loop threads' of an event loop group the application gave the factory), else
     * the JVM's (the stack trace on stderr). What the handler throws is ignored, as the JVM ignores it
     * ({@link Thread.UncaughtExceptionHandler#uncaughtException}): printing an {@link OutOfMemoryError}'s stack
     * trace may run out of memory again, and thrown on from a guard it would cut off what the guard still had to do
     * (REVIEW-12 M2: the requests held back behind the failed one were never written, the connection answered
     * nothing more).
     */
    public static void handToTheThread(VirtualMachineError fatal) {
        Thread thread = Thread.currentThread();
        try {
            thread.getUncaughtExceptionHandler().uncaughtException(thread, fatal);
        } catch (Throwable ignored) {
            // as the JVM does with what a handler throws
        }
    }
}
