package io.pgconn.internal.session;

import io.pgconn.FatalErrors;

/**
 * Where a {@link VirtualMachineError} met on the event loop goes: to the loop thread's uncaught-exception
 * handler, as when a thread dies of one ({@link FatalErrors}: it goes on up the thread). Thrown on, it would
 * not get there: Netty catches whatever a handler or a loop task throws — a handler's into its
 * {@code exceptionCaught}, a task's into a log line — and the loop thread must live on to end its other
 * channels. The thread's handler is the application's ({@link Thread#setDefaultUncaughtExceptionHandler},
 * or the loop threads' own when the application gave the factory its event loop group), else the JVM's
 * (the stack trace on stderr).
 */
final class FatalOnLoop {

    private FatalOnLoop() {
    }

    static void handToTheThread(VirtualMachineError fatal) {
        Thread thread = Thread.currentThread();
        thread.getUncaughtExceptionHandler().uncaughtException(thread, fatal);
    }
}
