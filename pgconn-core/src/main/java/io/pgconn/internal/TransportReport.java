package io.pgconn.internal;

import io.pgconn.Transport;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says which transport a factory's own event loops run on: once per JVM at INFO (the first factory that makes its
 * loops), later factories at DEBUG. On Linux a fall-back to NIO — not a transport the application chose — says what
 * it costs and why: the epoll artifact absent (which one gives it), or present and not loaded (the cause Netty gives:
 * a {@code noexec} temporary directory, the wrong classifier, musl ...). A user who followed the starter's README got
 * NIO without a word and found it only in a thread dump (NEW-USER-33 F4); the hint must not tell one who has the jar,
 * or chose NIO, to add it (REVIEW-34 R34-6).
 */
final class TransportReport {

    private static final System.Logger LOG = System.getLogger(TransportReport.class.getName());
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private TransportReport() {
    }

    /**
     * The factory {@code name} (null: unnamed, as the starter's) made {@code threads} loops of {@code transport}
     * (caller-run ones when {@code callerRun}); {@code chosen}: the application named the transport.
     */
    static void madeLoops(String name, Transport transport, int threads, boolean callerRun, boolean chosen) {
        System.Logger.Level level = REPORTED.compareAndSet(false, true) ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
        if (LOG.isLoggable(level)) {
            boolean fellBack = transport == Transport.NIO && !chosen;
            LOG.log(level, line(name, transport, threads, callerRun, System.getProperty("os.name", ""), fellBack,
                    fellBack ? EpollLoad.failure() : null));
        }
    }

    /**
     * The line: the factory, its loops and, for a fall-back to NIO on Linux ({@code fellBack}), what the native
     * transport would give and why it is not used — {@code epollLoadFailure} when the epoll classes are there and
     * did not load, else the artifact to add.
     */
    static String line(String name, Transport transport, int threads, boolean callerRun, String osName, boolean fellBack,
                       String epollLoadFailure) {
        String line = "pgconn factory" + (name == null ? "" : " " + name) + ": " + threads + (callerRun ? " caller-run" : "") + " event loop thread"
                + (threads == 1 ? "" : "s") + " on the " + transport.name().toLowerCase(Locale.ROOT) + " transport";
        if (fellBack && osName.toLowerCase(Locale.ROOT).contains("linux")) {
            String gives = "epoll gives fewer system calls per statement, and statements started on the caller's thread";
            line += epollLoadFailure != null
                    ? " (netty-transport-native-epoll is on the class path but did not load: " + epollLoadFailure
                    + "; the usual cause is the artifact without its classifier, linux-x86_64 or linux-aarch_64, or a"
                    + " noexec temporary directory; " + gives + ")"
                    : " (no native transport on the class path: add io.netty:netty-transport-native-epoll, classifier"
                    + " linux-x86_64 or linux-aarch_64, for epoll — fewer system calls per statement, and statements"
                    + " started on the caller's thread; on Java 24+ run with --enable-native-access=ALL-UNNAMED to"
                    + " silence the JDK's restricted-method warning)";
        }
        return line;
    }

    /** Isolates the optional epoll classes: touching them fails when netty-transport-classes-epoll is absent. */
    private static final class EpollLoad {

        /** Why epoll did not load, when its classes are here; null when they are absent or it loaded. */
        static String failure() {
            try {
                Throwable cause = io.netty.channel.epoll.Epoll.unavailabilityCause();
                return cause == null ? null : chain(cause);
            } catch (LinkageError absent) {
                return null;
            }
        }

        /**
         * The failure, its causes and what was suppressed along the way, in one line: Netty's own exception says only
         * that the library did not load, the reason (the file tried, the classifier's) is below it (REVIEW-34b R34b-5).
         */
        private static String chain(Throwable failure) {
            StringBuilder line = new StringBuilder(String.valueOf(failure));
            java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            seen.add(failure);
            for (Throwable t = failure; t != null; t = t.getCause()) {
                for (Throwable suppressed : t.getSuppressed()) {
                    if (seen.add(suppressed)) {
                        line.append("; tried: ").append(suppressed);
                    }
                }
                Throwable cause = t.getCause();
                if (cause != null && seen.add(cause)) {
                    line.append("; caused by ").append(cause);
                }
            }
            return line.toString();
        }
    }
}
