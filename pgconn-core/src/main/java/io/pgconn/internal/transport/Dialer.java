package io.pgconn.internal.transport;

import io.pgconn.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ConnectTimeoutException;
import io.pgconn.PgConnectException;
import io.pgconn.PgTimeoutException;
import io.netty.util.internal.PlatformDependent;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens one TCP or Unix-domain socket: TCP_NODELAY always, SO_KEEPALIVE as configured, the
 * connect bounded by the time left in the host's budget. The pipeline is left empty for the
 * TLS and startup stages to fill. One per connection factory ({@code ConnectResources}), so it warns
 * once per factory about a setting its transport cannot apply.
 */
public final class Dialer {

    private static final System.Logger LOG = System.getLogger(Dialer.class.getName());

    private final EventLoopGroup group;
    private final Transport transport;
    /** Whether this dialer said that tcp_user_timeout cannot be set on its transport. */
    private final AtomicBoolean userTimeoutWarned = new AtomicBoolean();

    public Dialer(EventLoopGroup group, Transport transport) {
        this.group = group;
        this.transport = transport;
        if (transport == Transport.NIO) {
            JdkRefusalText.ofThisJvm().learnIfNotYet(); // learnt here, on the thread that builds the factory, not on an event loop at the first refusal
        }
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Connects to {@code address}.
     *
     * @param keepalive      SO_KEEPALIVE and its tuning; {@code null} for Unix sockets
     * @param connectTimeout bound of the TCP connect; zero for none
     */
    public CompletableFuture<Channel> dial(SocketAddress address, boolean unixSocket, KeepaliveSettings keepalive,
                                           Duration connectTimeout, String hostLabel) {
        return dial(null, address, unixSocket, keepalive, connectTimeout, hostLabel);
    }

    /**
     * Connects to {@code address} on the given event loop (the one the rest of the connect uses, so
     * no step of it hops threads), or on the next loop of the group when {@code loop} is null.
     *
     * <p>Why no {@code Bootstrap}: per connect it creates the channel by reflection, copies its option
     * and attribute maps, adds an initializer handler that stays in the pipeline, looks up the
     * loop's address resolver and queues the connect as one more task on the loop, although the
     * address is always resolved here and the caller runs on that loop. On a 2-vCPU machine where
     * the client's CPU delays the server's backend start, that work (and the JIT compiling it,
     * connect after connect) is measurable; creating, registering and connecting the channel
     * directly does the same socket work with none of it.
     */
    public CompletableFuture<Channel> dial(EventLoop loop, SocketAddress address, boolean unixSocket, KeepaliveSettings keepalive,
                                           Duration connectTimeout, String hostLabel) {
        EventLoop on = loop != null ? loop : group.next();
        Channel channel;
        try {
            channel = unixSocket ? TransportChannels.newDomainSocketChannel(transport) : TransportChannels.newSocketChannel(transport, address);
        } catch (RuntimeException | LinkageError e) { // socket() failed (e.g. too many open files), or a transport class would not load
            return CompletableFuture.failedFuture(describe(e, transport, hostLabel, address));
        }
        try {
            configure(channel.config(), unixSocket, keepalive, connectTimeout);
        } catch (RuntimeException | LinkageError e) {
            channel.unsafe().closeForcibly();
            return CompletableFuture.failedFuture(describe(e, transport, hostLabel, address));
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        on.register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                channel.unsafe().closeForcibly();
                result.completeExceptionally(describe(registered.cause(), transport, hostLabel, address));
                return;
            }
            if (result.isDone()) {
                channel.close(); // cancelled before the socket was registered
                return;
            }
            // on the channel's loop now: the connect starts at once, its timeout (CONNECT_TIMEOUT_MILLIS) with it
            channel.connect(address).addListener(f -> {
                if (f.isSuccess()) {
                    if (!result.complete(channel)) {
                        channel.close(); // the caller gave up meanwhile
                    }
                } else {
                    channel.close();
                    result.completeExceptionally(describe(f.cause(), transport, hostLabel, address));
                }
            });
        });
        result.whenComplete((ch, error) -> {
            if (result.isCancelled()) {
                channel.close(); // fails a connect still in progress; its listener then finds the result done
            }
        });
        return result;
    }

    /**
     * TCP_NODELAY (Netty's socket channels already set it when they are created, where the platform
     * allows it: no second setsockopt), SO_KEEPALIVE and its tuning, and the connect timeout.
     *
     * <p>The connect timeout is Netty's timer on the channel's loop, cancelled (and taken off the loop's queue) when
     * the connect completes; the channel keeps its reference to the cancelled task for its life (Netty's epoll and
     * NIO channels do not clear it): that is the one {@code ScheduledFutureTask} an idle connection holds, about 60
     * bytes with its task already dropped, not a timer that is armed.
     */
    private void configure(ChannelConfig config, boolean unixSocket, KeepaliveSettings keepalive, Duration connectTimeout) {
        if (!unixSocket) {
            if (!PlatformDependent.canEnableTcpNoDelayByDefault()) {
                config.setOption(ChannelOption.TCP_NODELAY, true);
            }
            if (keepalive != null && keepalive.enabled()) {
                config.setOption(ChannelOption.SO_KEEPALIVE, true);
                TransportChannels.applyKeepaliveTuning(transport, config, keepalive.idle(), keepalive.interval(), keepalive.count());
            }
            if (keepalive != null && keepalive.userTimeoutMillis() != null
                    && !TransportChannels.applyUserTimeout(transport, config, keepalive.userTimeoutMillis())) {
                warnUserTimeoutIgnored(keepalive.userTimeoutMillis());
            }
        }
        // zero (hostConnectTimeout and connectTimeout 0, libpq's "wait indefinitely"): none, not Netty's default of 30 s
        config.setConnectTimeoutMillis(connectTimeout.isZero() ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis())));
    }

    /** Once per dialer, that is per connection factory: every connect of it would say the same. */
    private void warnUserTimeoutIgnored(int millis) {
        if (userTimeoutWarned.compareAndSet(false, true)) {
            // no MessageFormat: it would print 1500 as "1,500"
            LOG.log(System.Logger.Level.WARNING, "tcp_user_timeout=" + millis + " has no effect on the " + transport
                    + " transport: the JDK cannot set TCP_USER_TIMEOUT; use the epoll or io_uring transport"
                    + " (netty-transport-native-epoll) for it. Said once per connection factory.");
        }
    }

    private static RuntimeException describe(Throwable cause, Transport transport, String hostLabel, SocketAddress address) {
        if (cause instanceof ConnectTimeoutException) {
            return new PgTimeoutException(hostLabel, "connect to " + hostLabel + DialledAddressText.after(hostLabel, address) + " timed out",
                    cause);
        }
        if (refused(cause, transport)) {
            // the OS's answer says it all; the transport's wording ("finishConnect(..) failed with error(-111):
            // Connection refused: host/addr:port") repeats it, so it stays in the cause only
            return new PgConnectException(hostLabel, "connection refused to " + hostLabel + DialledAddressText.after(hostLabel, address),
                    cause);
        }
        // Netty annotates a failed connect with ": <address>", which the message names already
        String text = SocketErrorText.said(cause);
        String annotation = ": " + address;
        if (text.endsWith(annotation) && text.length() > annotation.length()) {
            text = text.substring(0, text.length() - annotation.length());
        }
        // a reset while dialling (the server accepted and reset before the loop read the connect's completion) is said
        // in pgconn's words, the socket's exception suppressed, not the cause (SocketErrorText.connectFailure)
        if (!(address instanceof InetSocketAddress)) {
            // a Unix socket: the label is its path already; libpq's hint follows the system's words (LIBPQ-14 us05)
            return SocketErrorText.connectFailure(hostLabel, "could not connect to server on socket \"" + hostLabel + "\": "
                    + text + " (is the server running locally and accepting connections on that socket?)", cause);
        }
        return SocketErrorText.connectFailure(hostLabel, "could not connect to " + hostLabel + DialledAddressText.after(hostLabel, address)
                + ": " + text, cause);
    }

    /**
     * ECONNREFUSED, however the transport words it, in any locale. Netty's native transports throw a
     * ConnectException for any errno, with the number in the message ("finishConnect(..) failed with error(-111): "
     * and the C library's text, which a non-English locale translates): the number decides there. The JDK (NIO)
     * throws one for ECONNREFUSED and the rarer ETIMEDOUT (the kernel's own, after minutes of SYNs) and ENOTCONN,
     * with no number, only the C library's text in the JVM's locale: that text, as this JVM words a refusal
     * ({@link JdkRefusalText}), decides.
     */
    static boolean refused(Throwable cause, Transport transport) {
        String message = cause.getMessage();
        if (!(cause instanceof ConnectException) || message == null) {
            return false;
        }
        if (transport == Transport.NIO) {
            return JdkRefusalText.ofThisJvm().isRefusal(cause);
        }
        Matcher errno = NATIVE_ERRNO.matcher(message);
        if (errno.find()) {
            return Integer.parseInt(errno.group(1)) == NativeErrno.connectionRefused();
        }
        return message.contains(JdkRefusalText.C_LOCALE); // a native message without the number (none seen in Netty 4.2)
    }

    /** The errno in a native transport's message (Netty's Errors: "(..) failed with error(-111): ..."). */
    private static final Pattern NATIVE_ERRNO = Pattern.compile("failed with error\\((-?\\d+)\\)");

    /** Netty's errno constants, loaded only on a native transport (their class needs the native library). */
    private static final class NativeErrno {
        static int connectionRefused() {
            return io.netty.channel.unix.Errors.ERROR_ECONNREFUSED_NEGATIVE;
        }
    }

    /** libpq's keepalives, keepalives_idle, keepalives_interval, keepalives_count, and tcp_user_timeout ({@code null}: not set). */
    public record KeepaliveSettings(boolean enabled, Duration idle, Duration interval, Integer count, Integer userTimeoutMillis) {
    }
}
