package io.pgconn.testing;

import java.io.File;
import java.lang.management.ManagementFactory;

/** What this JVM holds right now, for "back to the baseline" checks. */
public final class JvmResources {

    private JvmResources() {
    }

    /** Open file descriptors of this process (Linux {@code /proc/self/fd}; 0 where that does not exist). */
    public static long openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    /** Live threads of this JVM. */
    public static long threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Heap in use after a GC request. */
    public static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
