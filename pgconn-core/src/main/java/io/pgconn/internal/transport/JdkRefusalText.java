package io.pgconn.internal.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * How the JDK words a refused connect (ECONNREFUSED) in this JVM, for NIO. The JDK throws a
 * {@link ConnectException} for ECONNREFUSED, and also for ETIMEDOUT (the kernel's own, after minutes of SYNs)
 * and ENOTCONN, without the errno: only its message, the C library's text for the errno ({@code strerror}),
 * tells them apart — and a locale other than English translates that text ("Verbindungsaufbau abgelehnt"
 * under {@code de_DE}), which the JVM takes from the environment once, at its start. So the text is learnt
 * from a refusal this JVM meets on purpose: a connect to a Unix-domain socket file that nobody listens
 * on, which the kernel refuses at once with ECONNREFUSED — no network, no port, no wait. Learnt when a
 * NIO dialer is made (a factory's build, not an event loop), and kept once learnt; until then (no writable
 * temporary directory, no Unix sockets, the building thread interrupted, an Error) the C locale's
 * "Connection refused" is taken, and the next dialer's build tries again (REVIEW-12 L3: a learning that
 * failed for a passing reason used to be kept for the JVM's life — and an Error in it failed the class's
 * initialisation, so every later NIO factory's build, with NoClassDefFoundError).
 */
final class JdkRefusalText {

    /** strerror(ECONNREFUSED) in the C locale. */
    static final String C_LOCALE = "Connection refused";

    private static final JdkRefusalText THIS_JVM = new JdkRefusalText(JdkRefusalText::learn);

    /** Learns the text: null when nothing was learnt (tried again later). */
    private final Supplier<String> learning;
    private volatile String learnt;

    JdkRefusalText(Supplier<String> learning) {
        this.learning = learning;
    }

    /** This JVM's. */
    static JdkRefusalText ofThisJvm() {
        return THIS_JVM;
    }

    /**
     * Learns the text now if it was not learnt yet; blocking (a file, a socket), so never on an event loop. An Error
     * goes on up (FatalErrors) and leaves it to the next call; an interrupted thread stays interrupted.
     */
    synchronized void learnIfNotYet() {
        if (learnt == null) {
            learnt = learning.get();
        }
    }

    /** The text learnt, else the C locale's. */
    String text() {
        String text = learnt;
        return text != null ? text : C_LOCALE;
    }

    /**
     * Whether {@code failure}, a NIO connect's, is ECONNREFUSED: it, or a {@link ConnectException} among its
     * causes, says this JVM's refusal text — alone, as the JDK says it, or followed by the address, as Netty's
     * copy of the JDK's exception says it ("Connection refused: /127.0.0.1:5432", the JDK's own as its cause).
     */
    boolean isRefusal(Throwable failure) {
        String text = text();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (t instanceof ConnectException && message != null && (message.equals(text) || message.startsWith(text + ": "))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message of the JDK's ConnectException for a Unix-domain socket that nobody listens on; null when there was
     * none (the connect was not refused, or could not be tried: no Unix sockets, no temporary directory, the thread
     * interrupted — ClosedByInterruptException, its flag left set).
     */
    static String learn() {
        Path dir = null;
        Path socket = null;
        try {
            dir = Files.createTempDirectory("pgconn-refusal");
            socket = dir.resolve("s");
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                listener.bind(address); // closed at once: its file stays, nobody listens on it
            }
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(address);
                return null; // not refused: nothing learnt
            } catch (ConnectException refused) {
                return refused.getMessage();
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            return null;
        } finally {
            deleteQuietly(socket);
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException | RuntimeException e) {
                // a file left in the temporary directory, nothing more
            }
        }
    }
}
