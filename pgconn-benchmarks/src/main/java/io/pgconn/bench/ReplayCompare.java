package io.pgconn.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * In-JVM A/B of pgconn-core builds on {@link QueryReplay}: each core jar gets its own class loader
 * (pgconn's classes and this module's loaded from it first, Netty shared), and the builds take turns
 * per round (ABBA...), each round a thread-CPU measurement of {@code ops} operations. Prints per jar the
 * median and minimum CPU nanoseconds per operation, and the median bytes the thread allocated per operation
 * (every call runs on it: the same number for two builds means neither allocates more, e.g. statement
 * events without a tracer, docs/query.md §8).
 * {@code ReplayCompare PK|ROWS|INSERTS ops rounds core.jar [core.jar ...]}; the module's classes
 * are found where this class was loaded from.
 */
public final class ReplayCompare {

    private ReplayCompare() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        int ops = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        URL bench = ReplayCompare.class.getProtectionDomain().getCodeSource().getLocation();
        int n = args.length - 3;
        Method[] run = new Method[n];
        for (int i = 0; i < n; i++) {
            ClassLoader loader = new PgconnFirst(new URL[] {Path.of(args[3 + i]).toUri().toURL(), bench}, ReplayCompare.class.getClassLoader());
            Class<?> replay = loader.loadClass(QueryReplay.class.getName());
            replay.getMethod("setup").invoke(null);
            run[i] = replay.getMethod("run", String.class, int.class);
        }
        double[][] perOp = new double[n][rounds];
        long[][] bytesPerOp = new long[n][rounds];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                int i = r % 2 == 0 ? k : n - 1 - k;
                long bytes = threads.getCurrentThreadAllocatedBytes();
                perOp[i][r] = (long) run[i].invoke(null, scenario, ops) / (double) ops;
                bytesPerOp[i][r] = (threads.getCurrentThreadAllocatedBytes() - bytes) / ops;
            }
        }
        for (int i = 0; i < n; i++) {
            double[] sorted = perOp[i].clone();
            Arrays.sort(sorted);
            long[] allocated = bytesPerOp[i].clone();
            Arrays.sort(allocated);
            System.out.printf("%-40s %s: median %.0f ns/op, min %.0f (rounds %s); median %d bytes/op allocated (rounds %s)%n", args[3 + i],
                    scenario, sorted[rounds / 2], sorted[0], Arrays.toString(Arrays.stream(perOp[i]).mapToLong(x -> (long) x).toArray()),
                    allocated[rounds / 2], Arrays.toString(bytesPerOp[i]));
        }
    }

    /** Loads {@code io.pgconn.*} from its own jars first, so that each build's classes stay apart. */
    private static final class PgconnFirst extends URLClassLoader {

        PgconnFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.pgconn.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
