package io.pgconn.internal.transport;

import io.pgconn.PgConnectionFactory;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Run inside {@link WithoutNativeTransportsTest}'s class loader: a NIO factory's connect over two
 * refused loopback ports (the shape that hung in the starter's tests). Answers with the failure's
 * class and message as text, the one type both class loaders share.
 */
public final class RefusedNioConnect implements Callable<String> {

    @Override
    public String call() throws Exception {
        int first = refusedPort();
        int second = refusedPort();
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + first + "," + second
                + " user=nobody sslmode=disable connect_timeout=30")).transport(Transport.NIO).build();
        try {
            factory.connect().get(10, TimeUnit.SECONDS).close();
            return "connected";
        } catch (ExecutionException e) {
            return e.getCause().getClass().getName() + ": " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "no outcome within 10 s of a 30 s connect timeout";
        } finally {
            factory.close();
        }
    }

    private static int refusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
