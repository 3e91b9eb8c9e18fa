package io.pgconn.sample.embedded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.beans.factory.DisposableBean;

/**
 * The embedded cluster being started on a thread of its own, so that its few seconds overlap with the
 * rest of the application's start-up. Closes the cluster when the context closes or fails to start.
 */
public final class EmbeddedClusterStartup implements DisposableBean {

    static final String BEAN_NAME = "embeddedClusterStartup";

    private final CompletableFuture<EmbeddedCluster> cluster;

    private EmbeddedClusterStartup(CompletableFuture<EmbeddedCluster> cluster) {
        this.cluster = cluster;
    }

    /**
     * @param user     the application user to create
     * @param database the database to create
     * @return the start-up, under way
     */
    static EmbeddedClusterStartup begin(String user, String database) {
        CompletableFuture<EmbeddedCluster> cluster = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                cluster.complete(EmbeddedCluster.start(user, database));
            } catch (RuntimeException | Error e) {
                cluster.completeExceptionally(e);
            }
        }, "embedded-cluster-start");
        starter.setDaemon(true);
        starter.start();
        return new EmbeddedClusterStartup(cluster);
    }

    /**
     * Waits until both servers accept connections (PgCluster bounds each step by its start timeout).
     *
     * @return the running cluster
     * @throws RuntimeException why it did not start
     */
    EmbeddedCluster await() {
        try {
            return cluster.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Stops the cluster, whether or not the application got to use it. */
    @Override
    public void destroy() {
        cluster.thenAccept(EmbeddedCluster::close).exceptionally(error -> null).join();
    }
}
