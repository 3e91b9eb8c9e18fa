package io.pgconn.query;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PgBouncer in transaction mode in front of a cluster's primary for a test class ({@link TransactionPoolerProcess}):
 * register it after the cluster's extension, which JUnit then starts first and stops last.
 */
final class TransactionPoolerExtension implements BeforeAllCallback, AfterAllCallback {

    private final PgClusterExtension cluster;

    private final int serverSessions;

    private TransactionPoolerProcess pooler;

    /** A pooler with {@code serverSessions} server sessions to {@code cluster}'s primary, as {@link QueryCluster#USER}. */
    TransactionPoolerExtension(PgClusterExtension cluster, int serverSessions) {
        this.cluster = cluster;
        this.serverSessions = serverSessions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        this.pooler = TransactionPoolerProcess.start(this.cluster.primary(), QueryCluster.USER, this.serverSessions);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (this.pooler != null) {
            this.pooler.close();
            this.pooler = null;
        }
    }

    /** The port the pooler listens on (127.0.0.1). */
    int port() {
        return this.pooler.port();
    }
}
