package io.pgconn.spring.boot.autoconfigure.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

final class HealthTestSupport {

    private HealthTestSupport() {
    }

    /** A loopback port nothing listens on. */
    static int refusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
