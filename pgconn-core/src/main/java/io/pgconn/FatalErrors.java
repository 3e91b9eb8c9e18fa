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
}
