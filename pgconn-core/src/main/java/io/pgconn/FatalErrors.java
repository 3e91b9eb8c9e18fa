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
     * the JVM's (the stack trace on stderr).
     */
    public static void handToTheThread(VirtualMachineError fatal) {
        Thread thread = Thread.currentThread();
        thread.getUncaughtExceptionHandler().uncaughtException(thread, fatal);
    }
}
