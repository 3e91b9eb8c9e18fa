package io.pgconn.internal.transport;

import io.pgconn.PgConnectException;

import javax.net.ssl.SSLException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A socket error as the operating system words it, for messages: Netty's native transports put their
 * call and errno before the C library's text ("recvAddress(..) failed with error(-104): Connection reset
 * by peer"), the JDK gives the text alone ("Connection reset"). The exception's class and the call
 * stay in the cause; the message keeps the words a user greps for.
 */
public final class SocketErrorText {

    /** Netty's native wording: "name(..) failed with error(-N): text". */
    private static final Pattern NATIVE = Pattern.compile("^\\S+\\(\\.\\.\\) failed with error\\(-?\\d+\\): (.+)$", Pattern.DOTALL);

    /** strerror(ENOENT) in the C locale. */
    static final String NO_SUCH_FILE = "No such file or directory";

    private SocketErrorText() {
    }

    /**
     * The system's text of {@code error}; its class name when it has no message. Netty's native transports
     * report ENOENT (a Unix socket whose file or directory is missing) as a {@link FileNotFoundException} without
     * a message: that is the C library's "No such file or directory", as libpq and the JDK say it.
     */
    public static String of(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error instanceof FileNotFoundException ? NO_SUCH_FILE : error.getClass().getSimpleName();
        }
        Matcher nativeText = NATIVE.matcher(message);
        return nativeText.matches() ? nativeText.group(1) : message;
    }

    /**
     * {@code message} with the system's two client-disconnect phrases replaced by what they mean to a database
     * client. "Connection reset by peer" and "Broken pipe" are what an HTTP server says when its client goes away:
     * Spring MVC ({@code DisconnectedClientHelper}) looks for them in the most specific cause and then writes no
     * response at all, so a request whose database connection was reset answered 200 with an empty body and logged
     * nothing (new user 11 F1). Whoever says a socket error this way keeps the socket's exception as suppressed,
     * not as the cause.
     */
    public static String inOwnWords(String message) {
        if (message == null) {
            return "no message";
        }
        String lower = message.toLowerCase(Locale.ROOT);
        String words = replace(message, lower, "connection reset by peer", "the server reset the connection (ECONNRESET)");
        return replace(words, words.toLowerCase(Locale.ROOT), "broken pipe", "the server closed the connection (EPIPE)");
    }

    /**
     * {@code error} said for a message: the system's words ({@link #of}) in pgconn's own ({@link #inOwnWords}); a
     * channel closed under a write or a connect (Netty's ClosedChannelException, no message) as "the connection was
     * closed", not its class name.
     */
    public static String said(Throwable error) {
        return error instanceof ClosedChannelException ? "the connection was closed" : inOwnWords(of(error));
    }

    /**
     * Whether {@code error} is the socket's own (a reset, a broken pipe, a closed channel: an IOException that is
     * not a TLS error): the server went away, a {@code PgConnectException}, said in pgconn's words.
     */
    public static boolean isSocketError(Throwable error) {
        return error instanceof IOException && !(error instanceof SSLException);
    }

    /**
     * Whether {@code error} or one of its causes says "connection reset by peer" or "broken pipe" (any case): the
     * English words Spring MVC matches, so a translated C library's text is no such phrase.
     */
    public static boolean saysClientGone(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && !inOwnWords(message).equals(message)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The connect-time failure saying {@code message} (which says {@code error} with {@link #said}): {@code error} is
     * its cause, unless it says a client-disconnect phrase ({@link #saysClientGone}) — then it is kept as suppressed,
     * so that no cause chain holds "Connection reset by peer" or "Broken pipe", what Spring MVC reads as its own client
     * going away (lifecycle.md §1.3). Any other exception stays the cause: the starter's health reasons read a
     * {@code ConnectException} or {@code NoRouteToHostException} there. One rule for the dial, the SSLRequest, the
     * startup, the TLS handshake's socket error and the cancel request.
     */
    public static PgConnectException connectFailure(String host, String message, Throwable error) {
        if (!saysClientGone(error)) {
            return new PgConnectException(host, message, error);
        }
        PgConnectException failure = new PgConnectException(host, message);
        failure.addSuppressed(error);
        return failure;
    }

    private static String replace(String message, String lower, String phrase, String replacement) {
        int at = lower.indexOf(phrase);
        return at < 0 ? message : message.substring(0, at) + replacement + message.substring(at + phrase.length());
    }
}
