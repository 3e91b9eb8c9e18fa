package io.pgconn.internal.query;

/**
 * The threads on which a blocking wait for a pgconn future not yet complete is refused
 * ({@link SpinThenParkFuture}): a Netty event loop's ({@link io.pgconn.EventLoops#inAnyEventLoop()}), and one whose class
 * implements Reactor's marker {@code reactor.core.scheduler.NonBlocking} (the {@code parallel-N} and {@code single} schedulers'
 * threads, where Reactor's own {@code block()} refuses: new user 8 F2). pgconn-core does not depend on
 * Reactor: the marker is found by its name, once per thread class.
 */
final class NonBlockingThreads {

    /** The interface Reactor's threads implement to say that nothing may block on them. */
    static final String REACTOR_MARKER = "reactor.core.scheduler.NonBlocking";

    private static final ClassValue<Boolean> REACTOR_MARKED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return implementsInterfaceNamed(type, REACTOR_MARKER);
        }
    };

    private NonBlockingThreads() {
    }

    /** Whether the current thread is one of Reactor's non-blocking threads. */
    static boolean onAReactorNonBlockingThread() {
        return REACTOR_MARKED.get(Thread.currentThread().getClass());
    }

    /** Whether {@code type}, a superclass or any interface it extends is an interface named {@code name}. */
    static boolean implementsInterfaceNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(name) || implementsInterfaceNamed(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
