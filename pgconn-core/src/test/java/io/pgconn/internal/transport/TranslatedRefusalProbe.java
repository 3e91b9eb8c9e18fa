package io.pgconn.internal.transport;

import io.pgconn.PgConnectionFactory;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;

/**
 * Run in a JVM of its own by {@link TranslatedNioRefusalIT}, under the locale the test gives it: prints the
 * JDK's own text for a refused TCP connect, then how a NIO factory reports a connect over refused ports
 * ({@link RefusedNioConnect}). With {@value #INTERRUPTED_FIRST_BUILD}, a NIO factory is built on an interrupted
 * thread first, and the first line says whether the interrupt flag was kept.
 */
public final class TranslatedRefusalProbe {

    private TranslatedRefusalProbe() {
    }

    /** The argument that makes the probe build a NIO factory on an interrupted thread first. */
    static final String INTERRUPTED_FIRST_BUILD = "interrupted-first-build";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(INTERRUPTED_FIRST_BUILD)) {
            Thread.currentThread().interrupt();
            PgConnectionFactory first = PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1 user=nobody"))
                    .transport(Transport.NIO).build();
            System.out.println("interrupt flag kept: " + Thread.interrupted());
            first.close();
        }
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
