package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.LoopbackForwarder;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.function.IntSupplier;

/**
 * One host label in front of a test cluster's servers — what a DNS name, a Kubernetes Service or a virtual IP is to an
 * application — as a {@link LoopbackForwarder} on one loopback port that a test moves between servers
 * ({@link #forwarder()}{@code .repoint}). Made at its first use (the cluster's ports are known once its extension
 * started it); the application's {@code pg.conn} hosts and login point at it ({@link #register}).
 */
final class ForwardedLabel implements AutoCloseable {

    /** The port of the server the label reaches first. */
    private final IntSupplier firstPort;
    private LoopbackForwarder forwarder;

    ForwardedLabel(IntSupplier firstPort) {
        this.firstPort = firstPort;
    }

    synchronized LoopbackForwarder forwarder() {
        if (this.forwarder == null) {
            this.forwarder = LoopbackForwarder.to(this.firstPort.getAsInt());
        }
        return this.forwarder;
    }

    /** The label as health and host memory name it. */
    String label() {
        return "127.0.0.1:" + forwarder().port();
    }

    /** The application's only host is the label, with the cluster's user and password ({@code @DynamicPropertySource}). */
    void register(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", this::label);
        registry.add("pg.conn.username", () -> StarterCluster.USER);
        registry.add("pg.conn.password", () -> StarterCluster.PASSWORD);
    }

    @Override
    public synchronized void close() {
        if (this.forwarder != null) {
            this.forwarder.close();
        }
    }
}
