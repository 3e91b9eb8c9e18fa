package io.pgconn.notify;

import io.pgconn.FatalErrors;

/**
 * Where a {@link VirtualMachineError} met while a subscription ends goes ({@link FatalErrors}: on up the
 * thread): to the running thread's uncaught-exception handler — an event loop's, a timer's or the caller's.
 * The end runs in a {@link java.util.concurrent.CompletableFuture}'s callback (a connection's close, a
 * re-connect attempt), which catches whatever it throws into a future nobody reads; thrown on, the error
 * would be lost. The thread's handler is the application's ({@link Thread#setDefaultUncaughtExceptionHandler},
 * or the thread's own), else the JVM's (the stack trace on stderr).
 */
final class FatalToTheThread {

    private FatalToTheThread() {
    }

    static void hand(VirtualMachineError fatal) {
        Thread thread = Thread.currentThread();
        thread.getUncaughtExceptionHandler().uncaughtException(thread, fatal);
    }
}
