package io.pgconn.internal.transport;

import io.pgconn.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ConnectTimeoutException;
import io.pgconn.PgConnectException;
import io.pgconn.PgTimeoutException;

import java.net.ConnectException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens one TCP or Unix-domain socket: TCP_NODELAY always, SO_KEEPALIVE as configured, the
 * connect bounded by the time left in the host's budget. The pipeline is left empty for the
 * TLS and startup stages to fill.
 */
public final class Dialer {

    private final EventLoopGroup group;
    private final Transport transport;

    public Dialer(EventLoopGroup group, Transport transport) {
        this.group = group;
        this.transport = transport;
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
     */
    public CompletableFuture<Channel> dial(EventLoop loop, SocketAddress address, boolean unixSocket, KeepaliveSettings keepalive,
                                           Duration connectTimeout, String hostLabel) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop != null ? loop : group)
                .channel(unixSocket ? TransportChannels.domainSocketChannel(transport) : TransportChannels.socketChannel(transport))
                .handler(new ChannelInboundHandlerAdapter());
        if (!unixSocket) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
            if (keepalive != null && keepalive.enabled()) {
                bootstrap.option(ChannelOption.SO_KEEPALIVE, true);
                TransportChannels.applyKeepaliveTuning(transport, bootstrap, keepalive.idle(), keepalive.interval(), keepalive.count());
            }
        }
        if (!connectTimeout.isZero()) {
            bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis())));
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ChannelFuture connect = bootstrap.connect(address);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                if (!result.complete(connect.channel())) {
                    connect.channel().close(); // the caller gave up meanwhile
                }
            } else {
                result.completeExceptionally(describe(f.cause(), hostLabel, address));
            }
        });
        result.whenComplete((ch, error) -> {
            if (result.isCancelled()) {
                connect.cancel(false);
                connect.channel().close();
            }
        });
        return result;
    }

    private static RuntimeException describe(Throwable cause, String hostLabel, SocketAddress address) {
        if (cause instanceof ConnectTimeoutException) {
            return new PgTimeoutException(hostLabel, "connect to " + hostLabel + " (" + address + ") timed out", cause);
        }
        String what = cause instanceof ConnectException ? "connection refused" : "could not connect";
        return new PgConnectException(hostLabel, what + " to " + hostLabel + " (" + address + "): " + cause.getMessage(), cause);
    }

    /** libpq's keepalives, keepalives_idle, keepalives_interval, keepalives_count. */
    public record KeepaliveSettings(boolean enabled, Duration idle, Duration interval, Integer count) {
    }
}
