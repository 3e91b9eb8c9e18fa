package io.pgconn.internal.loop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether a thread is a virtual thread ({@code Thread.isVirtual()}, Java 21), asked on Java 17 too: looked up once, and
 * on a JDK without it no thread is virtual. A caller-run loop lets no virtual thread lead it (docs/query.md §1): a
 * virtual thread blocked in {@code epoll_wait}, a native call, pins its carrier.
 */
public final class VirtualThreads {

    private static final MethodHandle IS_VIRTUAL = lookUp();

    private VirtualThreads() {
    }

    /** Whether {@code thread} is virtual (false where the JDK has none). */
    public static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual() failed", e);
        }
    }

    private static MethodHandle lookUp() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // before Java 21: no virtual threads
        }
    }
}
