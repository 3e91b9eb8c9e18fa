package io.pgconn.internal.transport;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;

/**
 * Run in a JVM of its own by {@link TranslatedNioRefusalIT}, under the locale the test gives it: prints the
 * JDK's own text for a refused TCP connect, then how a NIO factory reports a connect over refused ports
 * ({@link RefusedNioConnect}).
 */
public final class TranslatedRefusalProbe {

    private TranslatedRefusalProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (SocketChannel channel = SocketChannel.open()) {
            channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            System.out.println("connected");
        } catch (ConnectException refused) {
            System.out.println(refused.getMessage());
        }
        System.out.println(new RefusedNioConnect().call());
    }
}
