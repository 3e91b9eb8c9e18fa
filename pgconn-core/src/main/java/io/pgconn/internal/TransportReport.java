package io.pgconn.internal;

import io.pgconn.Transport;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says which transport a factory's own event loops run on: once per JVM at INFO (the first factory that makes its
 * loops), later factories at DEBUG. On Linux a fall-back to NIO says what it costs and which artifact gives epoll: a
 * user who followed the starter's README got NIO without a word and found it only in a thread dump (NEW-USER-33 F4).
 */
final class TransportReport {

    private static final System.Logger LOG = System.getLogger(TransportReport.class.getName());
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private TransportReport() {
    }

    /** The factory {@code name} (null: unnamed, as the starter's) made {@code threads} loops of {@code transport} (caller-run ones when {@code callerRun}). */
    static void madeLoops(String name, Transport transport, int threads, boolean callerRun) {
        System.Logger.Level level = REPORTED.compareAndSet(false, true) ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
        if (LOG.isLoggable(level)) {
            LOG.log(level, line(name, transport, threads, callerRun, System.getProperty("os.name", "")));
        }
    }

    /** The line: the factory, its loops and, for NIO on Linux, what the native transport would give and its artifact. */
    static String line(String name, Transport transport, int threads, boolean callerRun, String osName) {
        String line = "pgconn factory" + (name == null ? "" : " " + name) + ": " + threads + (callerRun ? " caller-run" : "") + " event loop thread"
                + (threads == 1 ? "" : "s") + " on the " + transport.name().toLowerCase(Locale.ROOT) + " transport";
        if (transport == Transport.NIO && osName.toLowerCase(Locale.ROOT).contains("linux")) {
            line += " (no native transport on the class path: add io.netty:netty-transport-native-epoll, classifier"
                    + " linux-x86_64 or linux-aarch_64, for epoll — fewer system calls per statement, and statements"
                    + " started on the caller's thread; on Java 24+ run with --enable-native-access=ALL-UNNAMED to"
                    + " silence the JDK's restricted-method warning)";
        }
        return line;
    }
}
