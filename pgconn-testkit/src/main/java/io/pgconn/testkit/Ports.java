package io.pgconn.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports. A port is handed out at most once per JVM, so a stopped server's port is never
 * given to the next one; a race with another process is caught by the server's start (and retried).
 */
final class Ports {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final InetAddress V4 = loopback("127.0.0.1");
    private static final InetAddress V6 = loopback("::1");
    private static final boolean IPV6 = canBind(V6, 0);

    private Ports() {
    }

    private static InetAddress loopback(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return whether ::1 can be listened on (then servers listen there too) */
    static boolean ipv6() {
        return IPV6;
    }

    /** @return a port free on 127.0.0.1 (and ::1 when available) right now, never handed out before */
    static int allocate() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(V4, 0));
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new PgTestkitException("cannot find a free loopback port", e);
            }
            if ((!IPV6 || canBind(V6, port)) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new PgTestkitException("no free loopback port after 100 attempts");
    }

    private static boolean canBind(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
